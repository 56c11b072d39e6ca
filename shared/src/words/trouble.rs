//! Why a backup, a rehearsal's copy or a connection could not go ahead, in Strata's words;
//! what a program, the system or PostgreSQL said is carried inside, as it said it.

/// One of the things that can stop a run or a rehearsal before its first step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trouble {
    NoPgDump {
        major: u32,
    },
    CannotStart {
        program: String,
        cause: String,
    },
    DidNotFinish {
        program: String,
        cause: String,
    },
    CannotReadOutput {
        program: String,
        cause: String,
    },
    /// pg_dump refused; `row_security` when a forced policy is why (our advice follows).
    DumpFailed {
        status: String,
        said: String,
        row_security: bool,
    },
    BackupCommandFailed {
        status: String,
        said: String,
    },
    BackupCommandStoppedReading {
        cause: String,
    },
    CannotCreateFolder {
        folder: String,
        cause: String,
    },
    CannotWrite {
        path: String,
        cause: String,
    },
    CannotRename {
        from: String,
        to: String,
        cause: String,
    },
    ServerVersionUnreadable {
        text: String,
    },
    ToolsOlderThanServer {
        environment: String,
        server: u32,
        tools: u32,
    },
    ToolVersionUnreadable {
        text: String,
    },
    SandboxUnreachable {
        cause: String,
    },
    CopyDumpFailed {
        environment: String,
        said: String,
    },
    CopyRestoreFailed {
        said: String,
    },
    CannotDropCopy {
        cause: String,
    },
    CannotConnect {
        environment: String,
        cause: String,
    },
    BadTimeouts {
        cause: String,
    },
    /// A run died while a revision ran outside a transaction.
    CutOff {
        run: String,
        revision: String,
    },
}

impl Trouble {
    /// English and Spanish.
    pub(super) fn both(&self) -> (String, String) {
        match self {
            Trouble::NoPgDump { major } => (
                format!(
                    "no pg_dump for PostgreSQL {major} was found: install its client programs \
                     (Debian: postgresql-client-{major}) or set STRATA_PG_BINDIR; the run was not started"
                ),
                format!(
                    "no se encontró pg_dump para PostgreSQL {major}: instale sus programas cliente \
                     (Debian: postgresql-client-{major}) o defina STRATA_PG_BINDIR; la ejecución no se inició"
                ),
            ),
            Trouble::CannotStart { program, cause } => {
                (format!("cannot start {program}: {cause}"), format!("no se puede iniciar {program}: {cause}"))
            }
            Trouble::DidNotFinish { program, cause } => {
                (format!("{program} did not finish: {cause}"), format!("{program} no terminó: {cause}"))
            }
            Trouble::CannotReadOutput { program, cause } => (
                format!("cannot read {program}'s output: {cause}"),
                format!("no se puede leer la salida de {program}: {cause}"),
            ),
            Trouble::DumpFailed { status, said, row_security } => {
                let (en, es) = if *row_security {
                    (
                        "\n(a table's policy binds the environment's role (FORCE ROW LEVEL SECURITY), so it cannot \
                         copy every row: back up as a role that bypasses row-level security with `backup_command`, \
                         or take `backup = \"schema\"`)",
                        "\n(la política de una tabla se aplica al rol del entorno (FORCE ROW LEVEL SECURITY), así que \
                         no puede copiar todas las filas: haga la copia con un rol que omita la seguridad de filas \
                         mediante `backup_command`, o use `backup = \"schema\"`)",
                    )
                } else {
                    ("", "")
                };
                (format!("pg_dump failed ({status}): {said}{en}"), format!("pg_dump falló ({status}): {said}{es}"))
            }
            Trouble::BackupCommandFailed { status, said } => (
                format!("backup_command failed ({status}): {said}"),
                format!("backup_command falló ({status}): {said}"),
            ),
            Trouble::BackupCommandStoppedReading { cause } => (
                format!("backup_command stopped reading the backup: {cause}"),
                format!("backup_command dejó de leer la copia de seguridad: {cause}"),
            ),
            Trouble::CannotCreateFolder { folder, cause } => (
                format!("cannot create the backup folder {folder}: {cause}"),
                format!("no se puede crear la carpeta de copias de seguridad {folder}: {cause}"),
            ),
            Trouble::CannotWrite { path, cause } => {
                (format!("cannot write {path}: {cause}"), format!("no se puede escribir {path}: {cause}"))
            }
            Trouble::CannotRename { from, to, cause } => (
                format!("cannot rename {from} to {to}: {cause}"),
                format!("no se puede renombrar {from} como {to}: {cause}"),
            ),
            Trouble::ServerVersionUnreadable { text } => (
                format!("cannot read the server's version from `{text}`"),
                format!("no se puede leer la versión del servidor en `{text}`"),
            ),
            Trouble::ToolsOlderThanServer { environment, server, tools } => (
                format!(
                    "`{environment}` runs PostgreSQL {server}, newer than this machine's pg_dump {tools}: \
                     a rehearsal needs pg_dump and pg_restore of version {server} or later (set STRATA_PG_BINDIR)"
                ),
                format!(
                    "`{environment}` ejecuta PostgreSQL {server}, más reciente que el pg_dump {tools} de esta máquina: \
                     un ensayo necesita pg_dump y pg_restore de la versión {server} o posterior (defina STRATA_PG_BINDIR)"
                ),
            ),
            Trouble::ToolVersionUnreadable { text } => (
                format!("cannot read pg_dump's version from `{text}`"),
                format!("no se puede leer la versión de pg_dump en `{text}`"),
            ),
            Trouble::SandboxUnreachable { cause } => (
                format!("cannot reach the sandbox cluster: {cause}"),
                format!("no se puede conectar con el clúster sandbox: {cause}"),
            ),
            Trouble::CopyDumpFailed { environment, said } => (
                format!("pg_dump of `{environment}` failed: {said}"),
                format!("pg_dump de `{environment}` falló: {said}"),
            ),
            Trouble::CopyRestoreFailed { said } => (
                format!("pg_restore into the rehearsal copy failed: {said}"),
                format!("pg_restore en la copia del ensayo falló: {said}"),
            ),
            Trouble::CannotDropCopy { cause } => (
                format!("cannot drop the rehearsal's copy: {cause}"),
                format!("no se puede eliminar la copia del ensayo: {cause}"),
            ),
            Trouble::CannotConnect { environment, cause } => (
                format!("cannot connect to environment `{environment}`: {cause}"),
                format!("no se puede conectar con el entorno `{environment}`: {cause}"),
            ),
            Trouble::BadTimeouts { cause } => (
                format!("cannot set lock_timeout and statement_timeout (check their values in strata.toml): {cause}"),
                format!(
                    "no se pueden fijar lock_timeout y statement_timeout (revise sus valores en strata.toml): {cause}"
                ),
            ),
            Trouble::CutOff { run, revision } => (
                format!(
                    "run {run} was cut off while revision {revision} ran outside a transaction: its statements may have \
                     completed without its version row. Check the database, then stamp the revision it holds \
                     (`strata stamp`); runs resume after that"
                ),
                format!(
                    "la ejecución {run} se interrumpió mientras la revisión {revision} se ejecutaba fuera de una \
                     transacción: sus sentencias pueden haberse completado sin su fila de versión. Revise la base de \
                     datos y después marque la revisión que contiene (`strata stamp`); las ejecuciones se reanudan después"
                ),
            ),
        }
    }
}
