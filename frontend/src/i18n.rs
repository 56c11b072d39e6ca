//! Interface text in English and Spanish. English text is the key; `tr` gives the text in the
//! chosen language (the browser's at first, switchable, remembered). Placeholders such as
//! `{n}` are filled by the caller.

use std::cell::Cell;

/// The server's languages too: its messages come in the one the API is asked for.
pub use strata_shared::words::Lang;

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Sets the language every later `tr` uses (the app re-renders after a switch).
pub fn set(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// A lint rule's why and instead, in the current language (a finding from a newer server,
/// with a rule this page does not know, keeps its English).
pub fn rule_texts<'a>(rule: &str, why: &'a str, instead: &'a str) -> (&'a str, &'a str) {
    match (CURRENT.with(Cell::get), rule.parse()) {
        (Lang::Es, Ok(rule)) => crate::i18n_rules::spanish(rule),
        _ => (why, instead),
    }
}

/// The current language.
pub fn current() -> Lang {
    CURRENT.with(Cell::get)
}

/// `english` in the current language.
pub fn tr(english: &'static str) -> &'static str {
    match CURRENT.with(Cell::get) {
        Lang::En => english,
        Lang::Es => spanish(english).unwrap_or(english),
    }
}

/// A schema change's field in the current language: `type`, `row security`, or a table's
/// part with its name (`column email` → `columna email`); unknown words stay as they are.
pub fn field(english: &str) -> String {
    if CURRENT.with(Cell::get) == Lang::En {
        return english.to_owned();
    }
    if let Some(spanish) = spanish(english) {
        return spanish.to_owned();
    }
    match english.split_once(' ') {
        Some((kind, name)) if spanish(kind).is_some() => format!("{} {name}", spanish(kind).unwrap_or(kind)),
        _ => english.to_owned(),
    }
}

fn spanish(english: &str) -> Option<&'static str> {
    TEXTS.iter().find(|(en, _)| *en == english).map(|(_, es)| *es)
}

/// Every text of the interface that has a Spanish version.
pub const TEXTS: &[(&str, &str)] = &[
    ("Rendered SQL", "SQL generado"),
    (
        "The SQL engine could not be loaded or stopped working; reload the page to try again.",
        "No se pudo cargar el motor SQL o dejó de funcionar; recargue la página para intentarlo de nuevo.",
    ),
    ("This build of the studio has no SQL engine.", "Esta compilación del estudio no tiene motor SQL."),
    ("The SQL engine gave an answer to another question.", "El motor SQL respondió a otra pregunta."),
    (
        "Alembic script: the SQL beside each function is what Strata rendered from the Python without running it, as `alembic upgrade --sql` emits it.",
        "Script de Alembic: el SQL junto a cada función es el que Strata generó a partir del Python sin ejecutarlo, tal como lo emite `alembic upgrade --sql`.",
    ),
    (
        "Strata cannot know the SQL of this code without running it; a run stops before this step:",
        "Strata no puede conocer el SQL de este código sin ejecutarlo; una ejecución se detiene antes de este paso:",
    ),
    ("migration studio", "estudio de migraciones"),
    ("Overview", "Resumen"),
    ("History", "Historial"),
    ("Compare", "Comparar"),
    ("Schema", "Esquema"),
    ("Walkthrough", "Recorrido"),
    ("Plan and run", "Planificar y ejecutar"),
    ("Dark theme", "Tema oscuro"),
    ("Light theme", "Tema claro"),
    ("Language", "Idioma"),
    ("Loading…", "Cargando…"),
    ("Loading the revisions…", "Cargando las revisiones…"),
    ("Reading the environments…", "Leyendo los entornos…"),
    ("No such page.", "No existe esa página."),
    ("{n} revisions", "{n} revisiones"),
    ("Heads:", "Cabezas:"),
    ("No revision files in versions/ yet.", "Aún no hay archivos de revisión en versions/."),
    ("Search by id, message or label", "Buscar por id, mensaje o etiqueta"),
    ("{n} matches", "{n} coincidencias"),
    ("at base (no revision applied)", "en base (ninguna revisión aplicada)"),
    ("unreachable:", "inaccesible:"),
    ("{n} pending", "{n} pendientes"),
    ("edited after it ran:", "editada después de ejecutarse:"),
    ("Drift", "Deriva"),
    ("no drift", "sin deriva"),
    ("drift:", "deriva:"),
    ("drift unknown", "deriva desconocida"),
    ("{n} missing", "{n} ausentes"),
    ("{n} extra", "{n} de más"),
    ("{n} different", "{n} distintos"),
    ("missing", "ausente"),
    ("extra", "de más"),
    ("different", "distinto"),
    (
        "The database as its catalog says, against the schema model at the revisions it is at.",
        "La base de datos según su catálogo, frente al modelo del esquema en las revisiones en que está.",
    ),
    ("Reading the database's catalog…", "Leyendo el catálogo de la base de datos…"),
    ("No environment to compare.", "No hay entorno que comparar."),
    (
        "The model may be incomplete: an Alembic script's code could not be rendered to SQL in",
        "El modelo puede estar incompleto: no se pudo generar el SQL del código de un script de Alembic en",
    ),
    (
        "− missing from the database, + extra in the database, ~ different: the model's → the database's.",
        "− ausente en la base de datos, + de más en la base de datos, ~ distinto: el del modelo → el de la base de datos.",
    ),
    ("This database has drifted from the schema model:", "Esta base de datos se ha desviado del modelo del esquema:"),
    ("See the drift", "Ver la deriva"),
    ("the PostgreSQL version the server runs", "la versión de PostgreSQL del servidor"),
    ("The target runs PostgreSQL {v}.", "El destino ejecuta PostgreSQL {v}."),
    ("head", "cabeza"),
    ("merge", "fusión"),
    ("left out", "excluida"),
    ("Files left out of the graph", "Archivos que quedan fuera del grafo"),
    (
        "Lint and schema model of {n} revisions computed on the server in {ms} ms.",
        "Lint y modelo de esquema de {n} revisiones calculados en el servidor en {ms} ms.",
    ),
    ("clean", "sin avisos"),
    ("unknown", "desconocido"),
    ("All revisions", "Todas las revisiones"),
    ("No revision {id} in this project.", "No hay ninguna revisión {id} en este proyecto."),
    ("Revises", "Revisa"),
    ("Revised by", "Revisada por"),
    ("Branch labels", "Etiquetas de rama"),
    ("Depends on", "Depende de"),
    ("Created", "Creada"),
    ("Transaction", "Transacción"),
    ("runs inside a transaction", "se ejecuta dentro de una transacción"),
    ("runs outside any transaction", "se ejecuta fuera de toda transacción"),
    ("File", "Archivo"),
    ("Applied in", "Aplicada en"),
    ("none", "ninguna"),
    ("Upgrade", "Actualización"),
    ("Downgrade", "Reversión"),
    ("This section is empty.", "Esta sección está vacía."),
    ("Schema changes", "Cambios de esquema"),
    ("no schema changes", "sin cambios de esquema"),
    ("{n} changes", "{n} cambios"),
    ("Not modelled", "No modelado"),
    ("renamed from", "renombrado desde"),
    (
        "Part of an Alembic script could not be rendered to SQL: what that code does to the schema is missing here.",
        "Parte de un script de Alembic no pudo convertirse en SQL: aquí falta lo que ese código hace al esquema.",
    ),
    ("From", "Desde"),
    ("To", "Hasta"),
    ("Show", "Mostrar"),
    ("Revisions between", "Revisiones entre ambas"),
    ("The SQL that would run", "El SQL que se ejecutaría"),
    ("Schema at", "Esquema en"),
    ("Tables", "Tablas"),
    ("Diagram", "Diagrama"),
    ("created by", "creado por"),
    ("changed by", "cambiado por"),
    ("Previous", "Anterior"),
    ("Next", "Siguiente"),
    ("Step {i} of {n}", "Paso {i} de {n}"),
    ("Environment", "Entorno"),
    ("Target", "Destino"),
    ("Preview the plan", "Ver el plan"),
    ("Steps", "Pasos"),
    ("Risks", "Riesgos"),
    ("no lint findings", "sin avisos de lint"),
    ("Run", "Ejecutar"),
    (
        "Type the environment's name to run this plan on it:",
        "Escriba el nombre del entorno para ejecutar este plan en él:",
    ),
    ("Cancel", "Cancelar"),
    ("Running…", "Ejecutando…"),
    ("Done.", "Hecho."),
    (
        "The run is applied, but checks failed after the commit; it stays applied.",
        "La ejecución está aplicada, pero fallaron comprobaciones después del commit; sigue aplicada.",
    ),
    (
        "A check failed before the commit; the run was rolled back and nothing was applied.",
        "Una comprobación falló antes del commit; la ejecución se revirtió y no se aplicó nada.",
    ),
    ("Backup before the run", "Copia de seguridad antes de la ejecución"),
    ("Restore into an empty database:", "Restaurar en una base de datos vacía:"),
    ("Checks", "Comprobaciones"),
    ("before commit", "antes del commit"),
    ("after commit", "después del commit"),
    ("passed", "superada"),
    ("failed", "fallida"),
    ("Kind", "Tipo"),
    ("Result", "Resultado"),
    ("Returned", "Devolvió"),
    ("Time", "Tiempo"),
    (
        "The run failed; nothing after the failing step was applied.",
        "La ejecución falló; no se aplicó nada después del paso fallido.",
    ),
    ("Nothing to do: the environment is already there.", "Nada que hacer: el entorno ya está ahí."),
    (
        "The project changed on disk; this page shows the new files.",
        "El proyecto cambió en disco; esta página muestra los archivos nuevos.",
    ),
    ("Columns", "Columnas"),
    ("Constraints", "Restricciones"),
    ("Indexes", "Índices"),
    ("Policies", "Políticas"),
    // Schema objects and the fields a schema change compares (diff.rs's words).
    ("schema", "esquema"),
    ("type", "tipo"),
    ("sequence", "secuencia"),
    ("function", "función"),
    ("table", "tabla"),
    ("column", "columna"),
    ("constraint", "restricción"),
    ("trigger", "disparador"),
    ("policy", "política"),
    ("index", "índice"),
    ("view", "vista"),
    ("statistics", "estadísticas"),
    ("extension", "extensión"),
    ("comment", "comentario"),
    ("definition", "definición"),
    ("nullable", "admite nulos"),
    ("default", "valor por defecto"),
    ("identity", "identidad"),
    ("generated", "generada"),
    ("returns", "devuelve"),
    ("language", "lenguaje"),
    ("owner", "propietario"),
    ("row security", "seguridad por filas"),
    ("row-level security", "seguridad por filas"),
    ("The server cannot be reached.", "No se puede contactar con el servidor."),
    ("The server cannot be reached:", "No se puede contactar con el servidor:"),
    ("{url} sent something unexpected:", "{url} envió algo inesperado:"),
    ("The server answered {status}:", "El servidor respondió {status}:"),
    ("`{value}` cannot be used in a URL", "`{value}` no puede usarse en una URL"),
    ("Why:", "Por qué:"),
    ("1 statement", "1 sentencia"),
    ("{n} statements", "{n} sentencias"),
    ("1 lint finding", "1 aviso de lint"),
    ("{n} lint findings", "{n} avisos de lint"),
    ("1 syntax error", "1 error de sintaxis"),
    ("{n} syntax errors", "{n} errores de sintaxis"),
    ("line {l}, column {c}", "línea {l}, columna {c}"),
    ("line {n}", "línea {n}"),
    ("lines {a}–{b}", "líneas {a}–{b}"),
    ("Instead:", "En su lugar:"),
    ("About", "Sobre"),
    ("Approve this plan", "Aprobar este plan"),
    ("Approve", "Aprobar"),
    ("Approved: this plan may run.", "Aprobado: este plan puede ejecutarse."),
    ("Audit", "Auditoría"),
    ("Before it may run:", "Antes de poder ejecutarse:"),
    ("Comment", "Comentar"),
    ("Details", "Detalles"),
    ("Filter", "Filtrar"),
    ("Older entries", "Entradas anteriores"),
    ("{n} times", "{n} veces"),
    ("Address", "Dirección"),
    ("Export:", "Exportar:"),
    ("It asks for a password; then sign in here.", "Pide una contraseña; después inicie sesión aquí."),
    ("Name", "Nombre"),
    ("New comment", "Nuevo comentario"),
    (
        "No accounts exist yet. Create the first admin on the server's machine:",
        "Aún no hay cuentas. Cree el primer administrador en la máquina del servidor:",
    ),
    ("No one has proposed this exact plan yet.", "Nadie ha propuesto todavía este plan exacto."),
    ("Nothing recorded yet.", "Aún no hay nada registrado."),
    ("On", "En"),
    ("Other proposals", "Otras propuestas"),
    ("Password", "Contraseña"),
    ("Propose this plan", "Proponer este plan"),
    ("Proposed by", "Propuesto por"),
    ("Reopen", "Reabrir"),
    ("Reply", "Responder"),
    ("Request changes", "Pedir cambios"),
    ("Resolve", "Resolver"),
    ("Review", "Revisión"),
    ("Run unlocks once this exact plan is approved.", "Ejecutar se habilita cuando este plan exacto esté aprobado."),
    ("Sign in", "Iniciar sesión"),
    ("Create the first admin", "Crear el primer administrador"),
    (
        "No accounts exist yet: this one-time link creates the first admin and signs you in.",
        "Aún no hay cuentas: este enlace de un solo uso crea el primer administrador e inicia su sesión.",
    ),
    ("Password again", "Repita la contraseña"),
    ("The two passwords differ.", "Las dos contraseñas no coinciden."),
    ("Create and sign in", "Crear e iniciar sesión"),
    (
        "The server failed (request {id}); its log has the cause.",
        "El servidor falló (petición {id}); su registro tiene la causa.",
    ),
    ("Sign out", "Cerrar sesión"),
    ("Sign-off", "Aprobación"),
    (
        "This environment is protected: a plan runs only once its proposal has the approvals its policy asks for.",
        "Este entorno está protegido: un plan solo se ejecuta cuando su propuesta tiene las aprobaciones que pide su política.",
    ),
    ("What", "Qué"),
    ("When", "Cuándo"),
    ("Who", "Quién"),
    ("Your role cannot run plans:", "Su rol no puede ejecutar planes:"),
    ("another plan", "otro plan"),
    ("approved", "aprobado"),
    ("changes requested", "cambios pedidos"),
    ("does not count: expired", "no cuenta: caducada"),
    ("does not count: role not allowed here", "no cuenta: rol no permitido aquí"),
    ("does not count: the author's own", "no cuenta: es del propio autor"),
    ("line", "línea"),
    ("not reviewed yet", "sin revisar"),
    ("on line (optional)", "en la línea (opcional)"),
    ("open threads", "hilos abiertos"),
    ("resolved by", "resuelto por"),
    (
        "stale: the files or the database changed since; its approvals no longer apply",
        "obsoleta: los archivos o la base de datos cambiaron; sus aprobaciones ya no valen",
    ),
    ("the revision", "la revisión"),
    ("on earlier SQL", "sobre un SQL anterior"),
    ("Comment on this line", "Comentar esta línea"),
    ("{n} approval(s) before a run", "{n} aprobación(es) antes de ejecutar"),
    ("after", "después de"),
    ("protected", "protegido"),
    ("viewer", "lector"),
    ("reviewer", "revisor"),
    ("approver", "aprobador"),
    ("operator", "operador"),
    ("admin", "administrador"),
    ("Rehearsal", "Ensayo"),
    (
        "A rehearsal runs this exact plan on a throwaway copy of the environment's database, then drops the copy.",
        "Un ensayo ejecuta este plan exacto en una copia desechable de la base de datos del entorno y después borra la copia.",
    ),
    ("This exact plan has not been rehearsed.", "Este plan exacto no se ha ensayado."),
    ("Rehearsing…", "Ensayando…"),
    ("Rehearse this plan", "Ensayar este plan"),
    ("schema only", "solo el esquema"),
    ("schema and data", "esquema y datos"),
    ("rewrote", "reescribió"),
    ("The plan ran through on the copy.", "El plan se ejecutó entero en la copia."),
    ("The plan failed on the copy:", "El plan falló en la copia:"),
    ("Latest rehearsal", "Último ensayo"),
    (
        "Run unlocks once this exact plan has a successful rehearsal.",
        "Ejecutar se desbloquea cuando este plan exacto tenga un ensayo correcto.",
    ),
    // The schema diagram.
    ("Zoom in", "Acercar"),
    ("Zoom out", "Alejar"),
    ("Fit", "Ajustar"),
    ("Collapse all", "Plegar todo"),
    ("Expand all", "Desplegar todo"),
    ("Export SVG", "Exportar SVG"),
    ("Export PNG", "Exportar PNG"),
    (
        "Drag to move, scroll to zoom, click a table to highlight its neighbours.",
        "Arrastre para mover, use la rueda para acercar, pulse una tabla para resaltar sus vecinas.",
    ),
    ("Show or hide the columns", "Mostrar u ocultar las columnas"),
];

#[cfg(test)]
mod tests {
    #[test]
    fn schema_change_fields_read_in_spanish_with_their_names_kept() {
        super::set(super::Lang::Es);
        let fields = ["column email", "row security", "default", "columnist x"].map(super::field);
        super::set(super::Lang::En);
        assert_eq!(fields, ["columna email", "seguridad por filas", "valor por defecto", "columnist x"]);
        assert_eq!(super::field("column email"), "column email");
    }

    #[test]
    fn every_text_has_one_spanish_version() {
        let mut seen = std::collections::HashSet::new();
        for (english, spanish) in super::TEXTS {
            assert!(seen.insert(english), "{english} twice");
            assert!(!spanish.is_empty() && spanish != english, "{english}");
            let placeholders = |t: &str| t.matches('{').count();
            assert_eq!(placeholders(english), placeholders(spanish), "{english}");
        }
    }
}
