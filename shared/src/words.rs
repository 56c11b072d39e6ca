//! Strata's own words for people, in English and Spanish side by side: refusals, blockers and
//! the API's error messages. One catalog, so a message cannot exist in one language only
//! (every entry is a pair; a test checks both halves are there). The use cases return typed
//! reasons; the front doors word them here: the API in the request's language, the command
//! line in English. PostgreSQL's own text is passed through as PostgreSQL wrote it.

mod target;
mod trouble;

use crate::access::Role;
use crate::approval::Blocker;
use crate::graph::GraphError;
use crate::limits::Field;
use std::fmt;
pub(crate) use target::few;
pub use target::{Target, Unfit};
pub use trouble::Trouble;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// `en`, `es`, `es-MX`…; none for a language Strata does not speak.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.get(..2)?.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    /// The language an `Accept-Language` header prefers most among those Strata speaks
    /// (by quality, then order); English when it names none of them.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(|code| Lang::from_code(code.trim())) else { continue };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()))
                .unwrap_or(1.0);
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Lang::En, |(_, lang)| lang)
    }
}

/// What someone tried that their role does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deed {
    ReadAuditLog,
    ReadDrift,
    RehearsePlans,
    ProposePlans,
    ApprovePlans,
    ResolveThreads,
    CommentOnRevisions,
    ReviewRevisions,
    RunOrStamp,
}

/// A message of the server's, with what it names.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// A run's fingerprint is not the plan made now.
    PlanChangedSinceShown,
    NotProposed {
        environment: String,
        need: u32,
    },
    NotApproved(Vec<Blocker>),
    ProposalTaken,
    RunLocked {
        holder: String,
    },
    RunChanged,
    /// The backup before a run failed, and why.
    BackupFailed {
        cause: Cause,
    },
    RehearsalFailedToRun {
        cause: Cause,
    },
    /// A backup, a rehearsal's copy or a connection that could not go ahead.
    Trouble(Trouble),
    /// A target spec or range the revision graph cannot honour.
    Target(GraphError),
    ServerFailed,
    NoSuchEndpoint,
    NoRevision {
        id: String,
    },
    NoEnvironment {
        name: String,
    },
    NoProposal,
    ProposalAlreadyRan {
        run_id: String,
    },
    AuthorMayNotApprove,
    AlreadyApproved,
    ApprovalsFrom {
        environment: String,
        roles: Vec<Role>,
    },
    RunNeedsFingerprint,
    RehearsalNeedsFingerprint,
    RehearsalNeedsSandbox,
    FolderHasErrors,
    RoleMayNot {
        role: Role,
        deed: Deed,
    },
    SignInFirst,
    MissingCsrfToken,
    WrongNameOrPassword,
    SignInThrottled {
        seconds: u64,
    },
    TooManySignIns,
    TooManyStreams {
        most: usize,
    },
    TooLong {
        field: Field,
        limit: usize,
    },
    FirstRunLinkInvalid,
    AccountExists,
    DatabaseUnreachable {
        cause: String,
    },
    EnvironmentBusy {
        environment: String,
        connections: u32,
    },
    UnknownAuditFormat {
        format: String,
    },
    CannotTellDrift {
        cause: Cause,
    },
    PasswordTooShort {
        least: usize,
    },
    UnusableUserName {
        name: String,
        most: usize,
    },
    UserExists {
        name: String,
    },
    NoUser {
        name: String,
    },
    CommentLength {
        most: usize,
    },
    NoThread {
        thread: i64,
    },
    NoThreadOnRevision {
        thread: i64,
        revision: String,
    },
}

/// Why something failed: Strata's own words, or another's text (PostgreSQL's, a program's,
/// the system's) as it was written.
#[derive(Clone, Debug, PartialEq)]
pub enum Cause {
    Ours(Box<Message>),
    Theirs(String),
}

impl Cause {
    pub fn words(&self, lang: Lang) -> String {
        match self {
            Cause::Ours(message) => message.words(lang),
            Cause::Theirs(text) => text.clone(),
        }
    }
}

impl From<Message> for Cause {
    fn from(message: Message) -> Self {
        Cause::Ours(Box::new(message))
    }
}

/// In English: what the command line and the log show, and what lets a use case return a
/// `Message` as its error.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.words(Lang::En))
    }
}

impl std::error::Error for Message {}

impl Message {
    /// The message in `lang`.
    pub fn words(&self, lang: Lang) -> String {
        let (en, es) = self.both();
        if lang == Lang::Es { es } else { en }
    }

    /// English and Spanish: every entry gives both.
    fn both(&self) -> (String, String) {
        match self {
            Message::PlanChangedSinceShown => (
                "the plan changed since it was shown (a revision file was edited or the database moved): preview it again".into(),
                "el plan cambió desde que se mostró (se editó un archivo de revisión o la base de datos avanzó): vuelva a previsualizarlo".into(),
            ),
            Message::NotProposed { environment, need } => (
                format!("`{environment}` is protected: propose this plan and get {need} approval(s) before it runs"),
                format!("`{environment}` está protegido: proponga este plan y consiga {need} aprobación(es) antes de ejecutarlo"),
            ),
            Message::NotApproved(blockers) => {
                let (en, es): (Vec<String>, Vec<String>) = blockers.iter().map(blocker).unzip();
                (format!("not approved to run: {}", en.join("; ")), format!("no está aprobado para ejecutarse: {}", es.join("; ")))
            }
            Message::ProposalTaken => {
                ("another run took this proposal first".into(), "otra ejecución tomó antes esta propuesta".into())
            }
            Message::RunLocked { holder } => (
                format!("another run holds this database: {holder}"),
                format!("otra ejecución tiene esta base de datos: {holder}"),
            ),
            Message::RunChanged => (
                "the revision files or the database changed since this plan was shown; show the plan again and confirm the new one".into(),
                "los archivos de revisión o la base de datos cambiaron desde que se mostró este plan; muéstrelo de nuevo y confirme el nuevo".into(),
            ),
            Message::BackupFailed { cause } => (
                format!("the backup failed, so nothing was run: {}", cause.words(Lang::En)),
                format!("la copia de seguridad falló, así que no se ejecutó nada: {}", cause.words(Lang::Es)),
            ),
            Message::RehearsalFailedToRun { cause } => (
                format!("the rehearsal could not run: {}", cause.words(Lang::En)),
                format!("el ensayo no pudo ejecutarse: {}", cause.words(Lang::Es)),
            ),
            Message::Trouble(trouble) => trouble.both(),
            Message::Target(error) => (error.words(Lang::En), error.words(Lang::Es)),
            Message::ServerFailed => (
                "the server failed; its log has the cause under this request id".into(),
                "el servidor falló; su registro tiene la causa bajo este id de petición".into(),
            ),
            Message::NoSuchEndpoint => ("no such API endpoint".into(), "no existe ese punto de la API".into()),
            Message::NoRevision { id } => {
                (format!("no revision `{id}` in the history"), format!("no hay ninguna revisión `{id}` en el historial"))
            }
            Message::NoEnvironment { name } => {
                (format!("no environment `{name}`"), format!("no hay ningún entorno `{name}`"))
            }
            Message::NoProposal => ("no such proposal".into(), "no existe esa propuesta".into()),
            Message::ProposalAlreadyRan { run_id } => (
                format!("this proposal already ran (run {run_id})"),
                format!("esta propuesta ya se ejecutó (ejecución {run_id})"),
            ),
            Message::AuthorMayNotApprove => (
                "the author of a plan may not approve it".into(),
                "quien escribe un plan no puede aprobarlo".into(),
            ),
            Message::AlreadyApproved => {
                ("you approved this proposal already".into(), "ya aprobó esta propuesta".into())
            }
            Message::ApprovalsFrom { environment, roles } => {
                let roles = role_list(roles);
                (
                    format!("`{environment}` takes approvals from: {roles}"),
                    format!("`{environment}` acepta aprobaciones de: {roles}"),
                )
            }
            Message::RunNeedsFingerprint => (
                "a run needs the fingerprint of the plan that was shown".into(),
                "una ejecución necesita la huella del plan que se mostró".into(),
            ),
            Message::RehearsalNeedsFingerprint => (
                "a rehearsal needs the fingerprint of the plan that was shown".into(),
                "un ensayo necesita la huella del plan que se mostró".into(),
            ),
            Message::RehearsalNeedsSandbox => (
                "rehearsals need the sandbox cluster, which this studio does not run: give an environment \
                 `require_rehearsal = true` (or drop `[state]`) in strata.toml, or use `strata rehearse`"
                    .into(),
                "los ensayos necesitan el clúster sandbox, que este estudio no ejecuta: dé a un entorno \
                 `require_rehearsal = true` (o quite `[state]`) en strata.toml, o use `strata rehearse`"
                    .into(),
            ),
            Message::FolderHasErrors => (
                "the migrations folder has errors (see the project's diagnostics); fix them first".into(),
                "la carpeta de migraciones tiene errores (vea los diagnósticos del proyecto); corríjalos primero".into(),
            ),
            Message::RoleMayNot { role, deed } => {
                let (en, es) = deed_words(*deed);
                (format!("the {role} role may not {en}"), format!("el rol {role} no puede {es}"))
            }
            Message::SignInFirst => (
                "sign in first (or send an API token)".into(),
                "inicie sesión primero (o envíe un token de API)".into(),
            ),
            Message::MissingCsrfToken => (
                "this request lacks the session's CSRF token (X-CSRF-Token)".into(),
                "a esta petición le falta el token CSRF de la sesión (X-CSRF-Token)".into(),
            ),
            Message::WrongNameOrPassword => {
                ("wrong name or password".into(), "nombre o contraseña incorrectos".into())
            }
            Message::SignInThrottled { seconds } => (
                format!("too many failed sign-ins: try again in {seconds} s"),
                format!("demasiados inicios de sesión fallidos: inténtelo de nuevo en {seconds} s"),
            ),
            Message::TooManySignIns => (
                "too many sign-ins at once: try again in a moment".into(),
                "demasiados inicios de sesión a la vez: inténtelo de nuevo en un momento".into(),
            ),
            Message::TooManyStreams { most } => (
                format!("at most {most} event streams per sign-in"),
                format!("como mucho {most} flujos de eventos por inicio de sesión"),
            ),
            Message::TooLong { field, limit } => {
                let (en, es) = field_words(*field);
                (
                    format!("{en} is too long: at most {limit} characters"),
                    format!("{es} es demasiado largo: como mucho {limit} caracteres"),
                )
            }
            Message::FirstRunLinkInvalid => (
                "this first-run link is not valid: it was used, it expired, or it is not this studio's \
                 (start `strata serve` again for a new one while no account exists)"
                    .into(),
                "este enlace de primer arranque no es válido: ya se usó, caducó o no es de este estudio \
                 (vuelva a iniciar `strata serve` para obtener otro mientras no exista ninguna cuenta)"
                    .into(),
            ),
            Message::AccountExists => (
                "an account exists already: sign in, or ask an admin for one".into(),
                "ya existe una cuenta: inicie sesión o pida una a quien administre".into(),
            ),
            Message::DatabaseUnreachable { cause } => (
                format!("the database cannot be reached: {cause}"),
                format!("no se puede conectar con la base de datos: {cause}"),
            ),
            Message::EnvironmentBusy { environment, connections } => (
                format!(
                    "environment `{environment}` is busy: its {connections} connections for the studio are all in use; try again in a moment"
                ),
                format!(
                    "el entorno `{environment}` está ocupado: sus {connections} conexiones para el estudio están todas en uso; inténtelo de nuevo en un momento"
                ),
            ),
            Message::UnknownAuditFormat { format } => (
                format!("unknown format `{format}` (json or csv)"),
                format!("formato desconocido `{format}` (json o csv)"),
            ),
            Message::CannotTellDrift { cause } => (
                format!("cannot tell drift: {}", cause.words(Lang::En)),
                format!("no se puede determinar la deriva: {}", cause.words(Lang::Es)),
            ),
            Message::PasswordTooShort { least } => (
                format!("the password is too short: at least {least} characters"),
                format!("la contraseña es demasiado corta: al menos {least} caracteres"),
            ),
            Message::UnusableUserName { name, most } => (
                format!("`{name}` is not a usable user name: 1 to {most} letters, digits, or _ - . @"),
                format!("`{name}` no sirve como nombre de usuario: de 1 a {most} letras, dígitos o _ - . @"),
            ),
            Message::UserExists { name } => {
                (format!("a user `{name}` exists already"), format!("ya existe un usuario `{name}`"))
            }
            Message::NoUser { name } => (format!("no user `{name}`"), format!("no hay ningún usuario `{name}`")),
            Message::CommentLength { most } => (
                format!("a comment needs 1 to {most} bytes of text"),
                format!("un comentario necesita de 1 a {most} bytes de texto"),
            ),
            Message::NoThread { thread } => {
                (format!("no thread {thread}"), format!("no hay ningún hilo {thread}"))
            }
            Message::NoThreadOnRevision { thread, revision } => (
                format!("no thread {thread} on revision {revision}"),
                format!("no hay ningún hilo {thread} en la revisión {revision}"),
            ),
        }
    }
}

impl Blocker {
    /// In words, in `lang` (the CLI and the log: English).
    pub fn words(&self, lang: Lang) -> String {
        let (en, es) = blocker(self);
        if lang == Lang::Es { es } else { en }
    }
}

fn blocker(blocker: &Blocker) -> (String, String) {
    match blocker {
        Blocker::PlanChanged => (
            "the plan changed since it was proposed (a revision file was edited or the database moved): propose it again".into(),
            "el plan cambió desde que se propuso (se editó un archivo de revisión o la base de datos avanzó): propóngalo de nuevo".into(),
        ),
        Blocker::NeedsApprovals { have, need, roles } => {
            let roles = role_list(roles);
            (format!("{have} of {need} approvals (from: {roles})"), format!("{have} de {need} aprobaciones (de: {roles})"))
        }
        Blocker::NotYetOn { environment, revisions } => {
            let revisions = revisions.join(", ");
            (
                format!("promotion order: not yet on `{environment}`: {revisions}"),
                format!("orden de promoción: aún no está en `{environment}`: {revisions}"),
            )
        }
        Blocker::AlreadyRan { run_id } => (
            format!("this proposal already ran (run {run_id}); propose it again"),
            format!("esta propuesta ya se ejecutó (ejecución {run_id}); propóngala de nuevo"),
        ),
        Blocker::NeedsRehearsal => (
            "no successful rehearsal of exactly this plan: rehearse it first (`strata rehearse` or Rehearse in the studio)".into(),
            "no hay ningún ensayo con éxito de exactamente este plan: ensáyelo primero (`strata rehearse` o Ensayar en el estudio)".into(),
        ),
        Blocker::Drifted { missing, extra, different } => {
            let counts = [*missing, *extra, *different];
            let (summary, resumen) = (drift_counts(counts, Lang::En), drift_counts(counts, Lang::Es));
            (
            format!(
                "the database has drifted from the schema model ({summary}): see `strata drift` or Drift in the studio, \
                 and bring the two together first"
            ),
            format!(
                "la base de datos se ha desviado del modelo del esquema ({resumen}): vea `strata drift` o Deriva en el estudio, \
                 y haga que coincidan primero"
            ),
            )
        }
    }
}

/// `2 missing, 1 extra` from the counts of missing, extra and different objects; `no drift`
/// when all are zero.
pub fn drift_counts([missing, extra, different]: [usize; 3], lang: Lang) -> String {
    // Each count with its word for one and for more.
    let words = match lang {
        Lang::En => [(missing, "missing", "missing"), (extra, "extra", "extra"), (different, "different", "different")],
        Lang::Es => {
            [(missing, "ausente", "ausentes"), (extra, "de más", "de más"), (different, "distinto", "distintos")]
        }
    };
    let parts: Vec<String> = words
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
    match (parts.is_empty(), lang) {
        (true, Lang::En) => "no drift".into(),
        (true, Lang::Es) => "sin deriva".into(),
        (false, _) => parts.join(", "),
    }
}

fn role_list(roles: &[Role]) -> String {
    roles.iter().map(|r| r.name()).collect::<Vec<_>>().join(", ")
}

fn deed_words(deed: Deed) -> (&'static str, &'static str) {
    match deed {
        Deed::ReadAuditLog => ("read the audit log", "leer el registro de auditoría"),
        Deed::ReadDrift => ("read drift", "leer la deriva"),
        Deed::RehearsePlans => ("rehearse plans", "ensayar planes"),
        Deed::ProposePlans => ("propose plans", "proponer planes"),
        Deed::ApprovePlans => ("approve plans", "aprobar planes"),
        Deed::ResolveThreads => ("resolve threads", "resolver hilos"),
        Deed::CommentOnRevisions => ("comment on revisions", "comentar revisiones"),
        Deed::ReviewRevisions => ("review revisions", "revisar revisiones"),
        Deed::RunOrStamp => ("run or stamp", "ejecutar ni marcar"),
    }
}

fn field_words(field: Field) -> (&'static str, &'static str) {
    match field {
        Field::UserName => ("the user name", "el nombre de usuario"),
        Field::Password => ("the password", "la contraseña"),
        Field::Comment => ("the comment", "el comentario"),
        Field::TokenLabel => ("the token label", "la etiqueta del token"),
        Field::Target => ("the target", "el destino"),
        Field::EnvironmentName => ("the environment name", "el nombre del entorno"),
        Field::AuditFilter => ("the filter", "el filtro"),
    }
}

#[cfg(test)]
mod tests;
