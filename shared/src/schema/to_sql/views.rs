//! Views and materialized views, dropped dependents first and created dependencies first
//! (a view over a view names it in its query).

use super::context::{Context, references};
use super::define;
use super::quote::relation;
use super::{Phase, Script};
use crate::schema::model::{QualifiedName, View};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub fn views(context: &Context<'_>, script: &mut Script) {
    let (from, to) = (context.from, context.to);
    let mut dropped = in_dependency_order(&from.views, &context.rebuilt_views);
    dropped.reverse();
    for name in dropped {
        let view = &from.views[name];
        script.push(Phase::DropViews, format!("DROP {} {}", define::view_word(view), relation(name)));
    }
    let created: BTreeSet<QualifiedName> = to
        .views
        .keys()
        .filter(|name| !from.views.contains_key(*name) || context.rebuilt_views.contains(*name))
        .cloned()
        .collect();
    for name in in_dependency_order(&to.views, &created) {
        script.push(Phase::CreateViews, define::create_view(name, &to.views[name]));
    }
    for (name, view) in &to.views {
        let kept = from.views.get(name).filter(|_| !created.contains(name));
        let target = format!("{} {}", define::view_word(view), relation(name));
        script.comment(target, kept.and_then(|v| v.comment.as_ref()), view.comment.as_ref());
    }
}

/// `chosen` views of `views`, each after the views it reads.
fn in_dependency_order<'a>(
    views: &'a BTreeMap<QualifiedName, Arc<View>>,
    chosen: &BTreeSet<QualifiedName>,
) -> Vec<&'a QualifiedName> {
    let mut order: Vec<&QualifiedName> = Vec::new();
    let mut placed: BTreeSet<&QualifiedName> = BTreeSet::new();
    let mut visiting: BTreeSet<&QualifiedName> = BTreeSet::new();
    fn visit<'a>(
        name: &'a QualifiedName,
        views: &'a BTreeMap<QualifiedName, Arc<View>>,
        chosen: &BTreeSet<QualifiedName>,
        placed: &mut BTreeSet<&'a QualifiedName>,
        visiting: &mut BTreeSet<&'a QualifiedName>,
        order: &mut Vec<&'a QualifiedName>,
    ) {
        if placed.contains(name) || !visiting.insert(name) {
            return; // placed, or a cycle PostgreSQL would not have let happen
        }
        for reference in references(&views[name]) {
            if let Some((key, _)) = views.get_key_value(&reference) {
                visit(key, views, chosen, placed, visiting, order);
            }
        }
        placed.insert(name);
        if chosen.contains(name) {
            order.push(name);
        }
    }
    for name in views.keys() {
        visit(name, views, chosen, &mut placed, &mut visiting, &mut order);
    }
    order
}
