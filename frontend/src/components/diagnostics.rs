//! The list of problems found in the migrations folder.

use leptos::prelude::*;
use strata_shared::diagnostic::Diagnostic;

#[component]
pub fn Diagnostics(diagnostics: Vec<Diagnostic>) -> impl IntoView {
    (!diagnostics.is_empty()).then(|| {
        let count = diagnostics.len();
        view! {
            <section class="diagnostics" data-test="diagnostics">
                <h2>{format!("{count} problem{} in the migrations folder", if count == 1 { "" } else { "s" })}</h2>
                <ul>
                    {diagnostics
                        .into_iter()
                        .map(|d| {
                            let place = match d.line {
                                Some(line) => format!("{}:{line}", d.path),
                                None => d.path.clone(),
                            };
                            view! {
                                <li>
                                    <code class="place">{place}</code>
                                    " "
                                    <span>{d.message}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}
