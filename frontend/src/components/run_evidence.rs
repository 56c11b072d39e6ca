//! The evidence beside a run: the backup taken before it (where, size, sha256, how to restore)
//! and each check with what it returned.

use crate::i18n::tr;
use leptos::prelude::*;
use strata_shared::runbook::{BackupRecord, CheckKind, CheckPhase, CheckResult};

#[component]
pub fn RunEvidence(backup: Option<BackupRecord>, checks: Vec<CheckResult>) -> impl IntoView {
    let backup = backup.map(|backup| {
        view! {
            <section class="evidence" data-test="backup">
                <h3>{tr("Backup before the run")}</h3>
                <p>
                    <strong>{backup.kind.name()}</strong> " · " <code>{backup.location.clone()}</code>
                    " · " {format!("{} bytes", backup.size_bytes)}
                </p>
                <p class="muted">"sha256 " <code>{backup.sha256.clone()}</code></p>
                <p>{tr("Restore into an empty database:")}</p>
                <pre data-test="restore-command">{backup.restore_command.clone()}</pre>
            </section>
        }
    });
    let checks = (!checks.is_empty()).then(|| {
        let rows = checks
            .into_iter()
            .map(|check| {
                let state = if check.passed { "passed" } else { "failed" };
                let kind = match check.kind {
                    CheckKind::Sql => "SQL",
                    CheckKind::Http => "HTTP",
                };
                let when = match check.phase {
                    CheckPhase::BeforeCommit => tr("before commit"),
                    CheckPhase::AfterCommit => tr("after commit"),
                };
                view! {
                    <tr class=format!("check {state}") data-test="check" data-state=state>
                        <td>{check.name}</td>
                        <td>{kind}</td>
                        <td>{when}</td>
                        <td><strong>{if check.passed { tr("passed") } else { tr("failed") }}</strong></td>
                        <td><pre>{check.returned}</pre></td>
                        <td>{format!("{} ms", check.duration_ms)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="evidence" data-test="checks">
                <h3>{tr("Checks")}</h3>
                <table>
                    <thead><tr>
                        <th>{tr("Name")}</th><th>{tr("Kind")}</th><th>{tr("When")}</th>
                        <th>{tr("Result")}</th><th>{tr("Returned")}</th><th>{tr("Time")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    });
    view! { {backup} {checks} }
}
