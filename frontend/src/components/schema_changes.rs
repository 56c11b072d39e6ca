//! What a revision does to the schema, object by object, from the schema model run here in
//! wasm: added, dropped, changed (field by field) and renamed objects, and the statements the
//! model could not follow.

use crate::i18n::{self, tr};
use leptos::prelude::*;
use strata_shared::schema::drift::{Difference, Found};
use strata_shared::schema::{Action, Change, Detail, NotModelled, RevisionModel};

#[component]
pub fn SchemaChanges(model: RevisionModel) -> impl IntoView {
    let count = model.changes.len();
    let summary = match count {
        0 => tr("no schema changes").to_owned(),
        n => tr("{n} changes").replace("{n}", &n.to_string()),
    };
    view! {
        <section class="schema-changes" data-test="schema-changes">
            <h2>{tr("Schema changes")} " " <span class="summary">{summary}</span></h2>
            {if model.unknown {
                view! {
                    <p class="notice">{tr("Part of an Alembic script could not be rendered to SQL: what that code does to the schema is missing here.")}</p>
                }
                .into_any()
            } else {
                view! { <ChangeList changes=model.changes /> }.into_any()
            }}
            {(!model.not_modelled.is_empty()).then(|| not_modelled_list(model.not_modelled))}
        </section>
    }
}

/// Changes object by object: `+` added, `−` dropped, `~` changed (before → after).
#[component]
pub fn ChangeList(changes: Vec<Change>) -> impl IntoView {
    view! { <ul class="changes">{changes.into_iter().map(change_item).collect_view()}</ul> }
}

fn change_item(change: Change) -> impl IntoView {
    let (sign, action) = match change.action {
        Action::Added => ("+", "added"),
        Action::Dropped => ("−", "dropped"),
        Action::Changed => ("~", "changed"),
    };
    let renamed = change
        .renamed_from
        .clone()
        .map(|from| view! { <span class="renamed">" " {tr("renamed from")} " " <code>{from}</code></span> });
    let details = details_view(change.details, change.action);
    let (kind, name) = (change.kind.word(), change.name);
    let name_attribute = name.clone();
    view! {
        <li class=format!("change {action}") data-test="change" data-kind=kind data-action=action data-name=name_attribute>
            <span class="sign">{sign}</span> " " <span class="kind">{tr(kind)}</span> " " <code>{name}</code>
            {renamed}
            <ul class="details">{details}</ul>
        </li>
    }
}

/// Each field of an object: its value (added: after, dropped: before) or `before → after`.
fn details_view(details: Vec<Detail>, action: Action) -> impl IntoView {
    details
        .into_iter()
        .map(|detail| {
            let shown = |value: Option<String>| value.unwrap_or_else(|| "—".into());
            let value = match action {
                Action::Added => view! { <ins>{shown(detail.after)}</ins> }.into_any(),
                Action::Dropped => view! { <del>{shown(detail.before)}</del> }.into_any(),
                Action::Changed => {
                    view! { <del>{shown(detail.before)}</del> " → " <ins>{shown(detail.after)}</ins> }.into_any()
                }
            };
            view! { <li><span class="field" data-field=detail.field.clone()>{i18n::field(&detail.field)}</span> " " {value}</li> }
        })
        .collect_view()
}

/// Drift object by object, as changes read from the model to the database: `−` missing from
/// the database, `+` extra in it, `~` different (the model's → the database's).
#[component]
pub fn DriftList(differences: Vec<Difference>) -> impl IntoView {
    view! { <ul class="changes">{differences.into_iter().map(difference_item).collect_view()}</ul> }
}

fn difference_item(difference: Difference) -> impl IntoView {
    let (sign, class, action) = match difference.found {
        Found::Missing => ("−", "dropped", Action::Dropped),
        Found::Extra => ("+", "added", Action::Added),
        Found::Different => ("~", "changed", Action::Changed),
    };
    let found = difference.found.word();
    let (kind, name) = (difference.kind.word(), difference.name);
    let name_attribute = name.clone();
    view! {
        <li class=format!("change {class}") data-test="difference" data-kind=kind data-found=found data-name=name_attribute>
            <span class="sign">{sign}</span> " " <span class="found">{tr(found)}</span> " " <span class="kind">{tr(kind)}</span>
            " " <code>{name}</code>
            <ul class="details">{details_view(difference.details, action)}</ul>
        </li>
    }
}

pub fn not_modelled_list(notes: Vec<NotModelled>) -> impl IntoView {
    view! {
        <div class="not-modelled">
            <h3>{tr("Not modelled")}</h3>
            <ul>
                {notes
                    .into_iter()
                    .map(|note| view! {
                        <li data-test="not-modelled" data-line=note.line>
                            {format!("{} line {}: ", note.section, note.line)} <code>{note.statement}</code>
                            {format!(" — {}", note.reason)}
                        </li>
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}
