//! Why a target spec, a range or a plan cannot be honoured (the graph's errors), in English
//! and Spanish. The spec, ids and labels are quoted as typed; only Strata's words change.

use super::Lang;

/// A target spec or a request the revision graph cannot honour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    SeveralHeads {
        argument: String,
        heads: Vec<String>,
        labels: Vec<String>,
    },
    NothingAfterAt {
        spec: String,
    },
    /// `labels`: the branch labels there are, as a hint; `short`: a partial id under four characters.
    NoSuchName {
        name: String,
        labels: Vec<String>,
        short: bool,
    },
    NotOnBranch {
        id: String,
        branch: String,
    },
    AmbiguousPrefix {
        prefix: String,
        keys: Vec<String>,
    },
    UpFromBelowBases,
    AmbiguousStep {
        choices: Vec<String>,
        from: String,
    },
    TooFewSteps {
        relative: String,
        steps: u64,
    },
    PastTheEnd {
        target: String,
    },
    PastTheBase {
        target: String,
    },
    NothingOnBranch {
        branch: String,
    },
    SeveralOnBranch {
        branch: String,
    },
    AmbiguousPlusN,
    AmbiguousBranchPlusN {
        branch: String,
    },
    RowNotInFolder {
        row: String,
    },
    NotOneRevision {
        from: String,
    },
    NoObject {
        object: String,
        at: String,
    },
    Overlaps {
        id: String,
        others: Vec<String>,
    },
    NotADowngradeTarget {
        target: String,
    },
    NotBelowApplied {
        id: String,
        applied: Vec<String>,
    },
    NothingToUpgradeTo {
        upper: String,
    },
    StepsPastFirst {
        lower: Option<String>,
    },
    NeedsOneLabel {
        branch: String,
    },
    NotOneLine {
        lower: Vec<String>,
        upper: String,
        stray: String,
    },
    NotARange {
        range: String,
    },
    CurrentNeedsDatabase,
    UnknownRow {
        row: String,
    },
    Unfit(Unfit),
    StampBelowBases,
    SeveralHeadsForNew,
    NamedTwice {
        id: String,
    },
    NewBelowBases,
    NotAHead {
        id: String,
    },
    NothingToDependOn {
        spec: String,
    },
}

/// How the version table and a plan disagree (a plan made from other rows than these).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unfit {
    RecordedTwice { id: String },
    NotRecorded { id: String },
    AlreadyRecorded { id: String },
    NoParentToReplace { id: String },
    NoParentToRestore { id: String },
    AmbiguousParent { id: String },
    StampFromSeveral,
}

impl Target {
    pub fn words(&self, lang: Lang) -> String {
        let (en, es) = self.both();
        if lang == Lang::Es { es } else { en }
    }

    fn both(&self) -> (String, String) {
        match self {
            Target::SeveralHeads { argument, heads, labels } => {
                let first = heads.first().map_or("", String::as_str);
                let (en_labels, es_labels) = labels_hint(labels);
                (
                    format!(
                        "`{argument}` is ambiguous: there are several heads ({}). Name one of them (e.g. `{first}`), \
                         narrow to one branch with `<branch label>@head`{en_labels}, or use `heads` for all of them",
                        few(heads, Lang::En)
                    ),
                    format!(
                        "`{argument}` es ambiguo: hay varias cabezas ({}). Nombre una de ellas (p. ej. `{first}`), \
                         limítese a una rama con `<etiqueta de rama>@head`{es_labels}, o use `heads` para todas",
                        few(heads, Lang::Es)
                    ),
                )
            }
            Target::NothingAfterAt { spec } => (
                format!("`{spec}` names no revision: write an id, a branch label, `head` or `base` after the `@`"),
                format!(
                    "`{spec}` no nombra ninguna revisión: escriba un id, una etiqueta de rama, `head` o `base` después de `@`"
                ),
            ),
            Target::NoSuchName { name, labels, short } => {
                let (mut en, mut es) = labels_hint(labels);
                if *short {
                    en.push_str(" (a partial id needs at least four characters)");
                    es.push_str(" (un id parcial necesita al menos cuatro caracteres)");
                }
                (
                    format!("no revision or branch named `{name}`{en}"),
                    format!("no hay ninguna revisión ni rama llamada `{name}`{es}"),
                )
            }
            Target::NotOnBranch { id, branch } => (
                format!("revision {id} is not on branch `{branch}`: write `{id}` alone, or a revision of that branch"),
                format!("la revisión {id} no está en la rama `{branch}`: escriba `{id}` solo, o una revisión de esa rama"),
            ),
            Target::AmbiguousPrefix { prefix, keys } => (
                format!("ambiguous prefix `{prefix}`: {}; type more of the id", few(keys, Lang::En)),
                format!("prefijo ambiguo `{prefix}`: {}; escriba más caracteres del id", few(keys, Lang::Es)),
            ),
            Target::UpFromBelowBases => (
                "cannot walk up from below the bases".into(),
                "no se puede avanzar desde debajo de las bases".into(),
            ),
            Target::AmbiguousStep { choices, from } => (
                format!(
                    "the relative step is ambiguous: it could go to {}; name the revision to step from (e.g. `{from}+1`) \
                     or a branch (`<branch label>@+1`)",
                    choices.join(" or ")
                ),
                format!(
                    "el paso relativo es ambiguo: podría ir a {}; nombre la revisión desde la que avanzar (p. ej. `{from}+1`) \
                     o una rama (`<etiqueta de rama>@+1`)",
                    choices.join(" o ")
                ),
            ),
            Target::TooFewSteps { relative, steps } => (
                format!("the relative revision {relative} does not lead to {steps} migration(s) from here"),
                format!("la revisión relativa {relative} no lleva a {steps} migración(es) desde aquí"),
            ),
            Target::PastTheEnd { target } => (
                format!("`{target}` walks past the end of the history"),
                format!("`{target}` va más allá del final del historial"),
            ),
            Target::PastTheBase { target } => (
                format!("`{target}` walks past the base of the history"),
                format!("`{target}` va más allá de la base del historial"),
            ),
            Target::NothingOnBranch { branch } => (
                format!("nothing is applied on branch `{branch}` to step down from"),
                format!("no hay nada aplicado en la rama `{branch}` desde lo que retroceder"),
            ),
            Target::SeveralOnBranch { branch } => (
                format!("several current revisions are on branch `{branch}`; name the revision to step from"),
                format!("hay varias revisiones actuales en la rama `{branch}`; nombre la revisión desde la que moverse"),
            ),
            Target::AmbiguousPlusN => (
                "`+N` is ambiguous with several current revisions: name one (`<revision>+N`) or a branch (`<label>@+N`)"
                    .into(),
                "`+N` es ambiguo con varias revisiones actuales: nombre una (`<revisión>+N`) o una rama (`<etiqueta>@+N`)"
                    .into(),
            ),
            Target::AmbiguousBranchPlusN { branch } => (
                format!(
                    "`{branch}@+N` is ambiguous: several current revisions are on that branch; name the revision to step from"
                ),
                format!(
                    "`{branch}@+N` es ambiguo: hay varias revisiones actuales en esa rama; nombre la revisión desde la que avanzar"
                ),
            ),
            Target::RowNotInFolder { row } => (
                format!("the database is at `{row}`, which the migrations folder does not have"),
                format!("la base de datos está en `{row}`, que la carpeta de migraciones no tiene"),
            ),
            Target::NotOneRevision { from } => (
                format!("`{from}` names no single revision: give two specs to compare"),
                format!("`{from}` no nombra una única revisión: indique dos especificaciones para comparar"),
            ),
            Target::NoObject { object, at } => (
                format!("no table, column, index, constraint or other object named `{object}` at `{at}`"),
                format!(
                    "no hay ninguna tabla, columna, índice, restricción ni otro objeto llamado `{object}` en `{at}`"
                ),
            ),
            Target::Overlaps { id, others } => (
                format!(
                    "the requested revision {id} overlaps with {}: they lie on one line of history; name only one of them",
                    others.join(", ")
                ),
                format!(
                    "la revisión pedida {id} se solapa con {}: están en una misma línea del historial; nombre solo una de ellas",
                    others.join(", ")
                ),
            ),
            Target::NotADowngradeTarget { target } => (
                format!("`{target}` is not a valid downgrade target from the current heads"),
                format!("`{target}` no es un destino de reversión válido desde las cabezas actuales"),
            ),
            Target::NotBelowApplied { id, applied } => {
                let (en, es) = names(applied);
                (
                    format!("{id} is not below what is applied ({en}): there is nothing to downgrade to it"),
                    format!("{id} no está por debajo de lo aplicado ({es}): no hay nada que revertir hasta ella"),
                )
            }
            Target::NothingToUpgradeTo { upper } => (
                format!("`{upper}` names no revision to upgrade to"),
                format!("`{upper}` no nombra ninguna revisión a la que actualizar"),
            ),
            Target::StepsPastFirst { lower } => {
                let (en, es) = match lower {
                    Some(lower) => (format!("`{lower}`"), format!("`{lower}`")),
                    None => ("the lower end".to_owned(), "el extremo inferior".to_owned()),
                };
                (
                    format!("{en} steps past the first revision of some branch; start the range at `base` instead"),
                    format!(
                        "{es} retrocede más allá de la primera revisión de alguna rama; empiece el rango en `base`"
                    ),
                )
            }
            Target::NeedsOneLabel { branch } => (
                format!("`{branch}@...` needs revision {branch} to carry exactly one branch label"),
                format!("`{branch}@...` necesita que la revisión {branch} tenga exactamente una etiqueta de rama"),
            ),
            Target::NotOneLine { lower, upper, stray } => {
                let (en, es) = names(lower);
                (
                    format!(
                        "{en} and {upper} are not on one line of history ({stray} is not below {upper}); \
                         pick ends where one descends from the other"
                    ),
                    format!(
                        "{es} y {upper} no están en una misma línea del historial ({stray} no está por debajo de {upper}); \
                         elija extremos de los que uno descienda del otro"
                    ),
                )
            }
            Target::NotARange { range } => (
                format!("`{range}` is not a range: write `start:end`, `start:` or `:end`"),
                format!("`{range}` no es un rango: escriba `inicio:fin`, `inicio:` o `:fin`"),
            ),
            Target::CurrentNeedsDatabase => (
                "`current` needs the database: give --url or --env (or DATABASE_URL)".into(),
                "`current` necesita la base de datos: indique --url o --env (o DATABASE_URL)".into(),
            ),
            Target::UnknownRow { row } => (
                format!(
                    "the version table holds `{row}`, which no revision file defines: restore that file, \
                     or `stamp` the database to a known revision"
                ),
                format!(
                    "la tabla de versiones contiene `{row}`, que ningún archivo de revisión define: restaure ese archivo, \
                     o marque (`stamp`) la base de datos con una revisión conocida"
                ),
            ),
            Target::Unfit(unfit) => {
                let (en, es) = unfit.both();
                (
                    format!("the version table does not fit this plan: {en}"),
                    format!("la tabla de versiones no encaja con este plan: {es}"),
                )
            }
            Target::StampBelowBases => (
                "a stamp target walked below the bases; stamp `base` instead".into(),
                "un destino de marca quedó por debajo de las bases; marque `base` en su lugar".into(),
            ),
            Target::SeveralHeadsForNew => (
                "there are several heads: name the one to build on with --head (e.g. `--head <label>@head`), \
                 or merge them first with `strata merge`"
                    .into(),
                "hay varias cabezas: nombre aquella sobre la que construir con --head (p. ej. `--head <etiqueta>@head`), \
                 o fusiónelas antes con `strata merge`"
                    .into(),
            ),
            Target::NamedTwice { id } => (format!("{id} is named twice"), format!("{id} se nombra dos veces")),
            Target::NewBelowBases => (
                "a new revision cannot go below the bases".into(),
                "una revisión nueva no puede ir por debajo de las bases".into(),
            ),
            Target::NotAHead { id } => (
                format!("{id} is not a head: building on it starts a new branch; pass --splice if that is what you want"),
                format!(
                    "{id} no es una cabeza: construir sobre ella inicia una rama nueva; pase --splice si es lo que quiere"
                ),
            ),
            Target::NothingToDependOn { spec } => (
                format!("`{spec}` names no revision to depend on"),
                format!("`{spec}` no nombra ninguna revisión de la que depender"),
            ),
        }
    }
}

impl Unfit {
    fn both(&self) -> (String, String) {
        match self {
            Unfit::RecordedTwice { id } => {
                (format!("{id} would be recorded twice"), format!("{id} quedaría registrada dos veces"))
            }
            Unfit::NotRecorded { id } => (
                format!("{id} is not recorded, so it cannot be removed"),
                format!("{id} no está registrada, así que no se puede quitar"),
            ),
            Unfit::AlreadyRecorded { id } => (format!("{id} is already recorded"), format!("{id} ya está registrada")),
            Unfit::NoParentToReplace { id } => (
                format!("merging into {id} finds no parent to replace"),
                format!("la fusión en {id} no encuentra ningún padre que sustituir"),
            ),
            Unfit::NoParentToRestore { id } => (
                format!("undoing the merge {id} finds no parent to restore"),
                format!("deshacer la fusión {id} no encuentra ningún padre que restaurar"),
            ),
            Unfit::AmbiguousParent { id } => (
                format!("which parent of {id} to record is ambiguous"),
                format!("es ambiguo qué padre de {id} registrar"),
            ),
            Unfit::StampFromSeveral => (
                "a stamp without a single revision to move from".into(),
                "una marca sin una única revisión desde la que moverse".into(),
            ),
        }
    }
}

/// ` (branch labels here: a, b)`, or nothing without labels.
fn labels_hint(labels: &[String]) -> (String, String) {
    if labels.is_empty() {
        return (String::new(), String::new());
    }
    (
        format!(" (branch labels here: {})", few(labels, Lang::En)),
        format!(" (etiquetas de rama aquí: {})", few(labels, Lang::Es)),
    )
}

/// The revisions named, or "nothing".
fn names(ids: &[String]) -> (String, String) {
    if ids.is_empty() { ("nothing".into(), "nada".into()) } else { (ids.join(", "), ids.join(", ")) }
}

/// A few of `items` and how many more (also `crate::text::few`, in English).
pub(crate) fn few<S: AsRef<str>>(items: &[S], lang: Lang) -> String {
    const SHOWN: usize = 3;
    let shown = if items.len() <= SHOWN + 1 { items.len() } else { SHOWN };
    let text = items[..shown].iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", ");
    match (items.len() - shown, lang) {
        (0, _) => text,
        (more, Lang::En) => format!("{text}, and {more} more"),
        (more, Lang::Es) => format!("{text} y {more} más"),
    }
}
