//! The lint rules' "why" and "instead", in Spanish (English comes with the finding itself).

use strata_shared::lint::RuleId;

/// `(why, instead)` of a rule in Spanish: a rule without them does not compile.
pub fn spanish(rule: RuleId) -> (&'static str, &'static str) {
    match rule {
        RuleId::SyntaxError => (
            "El analizador de PostgreSQL rechaza este SQL: la revisión falla al ejecutarse, y no se comprobó nada más de la sentencia.",
            "Corrija el SQL donde señala el mensaje de PostgreSQL.",
        ),
        RuleId::TooDeeplyNested => (
            "La sentencia está anidada a demasiada profundidad para que Strata lea el árbol sintáctico de PostgreSQL: ninguna regla la comprobó y el modelo de esquema la omite.",
            "Aplane la expresión (menos CASE o paréntesis anidados, o una función auxiliar), o revise la sentencia a mano y déjela en una revisión propia.",
        ),
        RuleId::NeedsNewerPostgres => (
            "Strata lee el SQL con la gramática de PostgreSQL 18, así que acepta sintaxis y funciones que un servidor más antiguo no tiene: en este destino la sentencia falla al ejecutarse.",
            "Escriba la sentencia con lo que tiene el PostgreSQL del destino (dé un alias a la subconsulta en FROM, use INSERT … ON CONFLICT en lugar de MERGE, ...), o actualice antes el destino.",
        ),
        RuleId::AddingRequiredColumn => (
            "ADD COLUMN ... NOT NULL sin valor por defecto falla en cualquier tabla que ya tenga filas.",
            "Añada la columna admitiendo nulos (o con un valor por defecto constante), rellénela y después añada el NOT NULL.",
        ),
        RuleId::VolatileDefault => (
            "Un valor por defecto volátil (random(), clock_timestamp(), gen_random_uuid(), uuidv7(), el nextval() de un serial: cualquier función que PostgreSQL marca como volátil) hace que ADD COLUMN reescriba toda la tabla con un bloqueo ACCESS EXCLUSIVE.",
            "Añada la columna sin valor por defecto, fíjelo después y rellene las filas existentes por lotes.",
        ),
        RuleId::IndexWithoutConcurrently => (
            "CREATE INDEX sin CONCURRENTLY toma un bloqueo SHARE: las escrituras en la tabla esperan hasta que el índice esté construido.",
            "CREATE INDEX CONCURRENTLY, en una revisión marcada `transactional: false`.",
        ),
        RuleId::DropIndexWithoutConcurrently => (
            "DROP INDEX sin CONCURRENTLY toma un bloqueo ACCESS EXCLUSIVE sobre la tabla.",
            "DROP INDEX CONCURRENTLY, en una revisión marcada `transactional: false`.",
        ),
        RuleId::CannotRunInTransaction => (
            "Esta sentencia no puede ejecutarse dentro de un bloque de transacción, y esta revisión se ejecuta en uno: fallará.",
            "Marque la revisión `transactional: false` (y deje esas sentencias en una revisión propia).",
        ),
        RuleId::NeedlessNonTransactional => (
            "La revisión se ejecuta fuera de toda transacción, así que un fallo a medias la deja a medio aplicar, y ninguna de sus sentencias lo necesita.",
            "Quite `transactional: false`.",
        ),
        RuleId::ChangingColumnType => (
            "ALTER COLUMN ... TYPE suele reescribir la tabla y sus índices con un bloqueo ACCESS EXCLUSIVE.",
            "Añada una columna nueva, rellénela, cambie lectores y escritores y después elimine la antigua.",
        ),
        RuleId::ConstraintWithoutNotValid => (
            "Añadir una FOREIGN KEY o un CHECK valida todas las filas mientras mantiene un bloqueo que impide escribir.",
            "Añádala con NOT VALID y luego VALIDATE CONSTRAINT en otra transacción (una revisión posterior, o una revisión marcada `transactional: false`): ahí solo toma un bloqueo SHARE UPDATE EXCLUSIVE.",
        ),
        RuleId::ConstraintBuildsIndex => (
            "ADD CONSTRAINT ... UNIQUE o PRIMARY KEY construye su índice con un bloqueo ACCESS EXCLUSIVE.",
            "Primero CREATE UNIQUE INDEX CONCURRENTLY, después ADD CONSTRAINT ... USING INDEX.",
        ),
        RuleId::SettingNotNull => (
            "SET NOT NULL recorre toda la tabla con un bloqueo ACCESS EXCLUSIVE.",
            "Añada CHECK (col IS NOT NULL) NOT VALID, valídelo con VALIDATE CONSTRAINT y después SET NOT NULL (PostgreSQL 12+ se salta entonces el recorrido); en una revisión marcada `transactional: false`, para que cada paso se confirme por separado.",
        ),
        RuleId::DroppingTable => (
            "DROP TABLE pierde para siempre los datos de la tabla, y el código que aún la usa se rompe.",
            "Deje de usar la tabla antes; guarde una copia, o renómbrela y elimínela en una versión posterior.",
        ),
        RuleId::DroppingColumn => (
            "DROP COLUMN pierde los datos de la columna, y el código en marcha que aún la lee se rompe.",
            "Deje de leer y escribir la columna en una versión anterior a la que la elimina.",
        ),
        RuleId::RenamingTable => (
            "Renombrar una tabla rompe toda consulta en marcha que use el nombre antiguo hasta que se despliegue el código.",
            "Cree una vista con el nombre antiguo durante la transición, o renombre por pasos a lo largo de varias versiones.",
        ),
        RuleId::RenamingColumn => (
            "Renombrar una columna rompe toda consulta en marcha que use el nombre antiguo hasta que se despliegue el código.",
            "Añada la columna nueva, escriba en ambas, rellene, cambie los lectores y después elimine la antigua.",
        ),
        RuleId::TruncateCascade => (
            "TRUNCATE ... CASCADE vacía también todas las tablas que hacen referencia a esta, algo fácil de pasar por alto.",
            "Vacíe por su nombre las tablas que quiera vaciar.",
        ),
        RuleId::TransactionControl => (
            "BEGIN, COMMIT y ROLLBACK dentro de una revisión rompen la transacción en la que Strata la ejecuta.",
            "Deje las transacciones a Strata; marque la revisión `transactional: false` si debe ejecutarse fuera de una.",
        ),
        RuleId::MissingLockTimeout => (
            "La revisión toma bloqueos fuertes sobre tablas existentes; ejecutada por psql desde un script `--sql`, nada limita cuánto espera por ellos mientras otras consultas hacen cola detrás.",
            "Strata fija lock_timeout en sus propias ejecuciones; para scripts, empiece la revisión con SET lock_timeout = '5s'.",
        ),
        RuleId::PreferBigint => (
            "Los ids y contadores integer y smallint se agotan (2^31) antes de lo esperado, y ampliarlos después reescribe la tabla.",
            "Use bigint.",
        ),
        RuleId::PreferIdentity => (
            "Los tipos serial crean una secuencia que la columna no posee en el sentido del estándar SQL; los permisos y las copias de la tabla fallan.",
            "Use bigint GENERATED ALWAYS AS IDENTITY.",
        ),
        RuleId::PreferTimestamptz => (
            "timestamp without time zone guarda horas de reloj sin zona: cambian de sentido cuando servidores o usuarios cambian de zona.",
            "Use timestamptz.",
        ),
        RuleId::PreferText => (
            "varchar(n) solo añade un límite de longitud que es costoso ampliar después (puede reescribir la tabla).",
            "Use text, con un CHECK (length(col) <= n) si el límite importa.",
        ),
        RuleId::IdentifierTooLong => (
            "PostgreSQL recorta sin avisar los nombres de más de 63 bytes, así que dos nombres largos pueden coincidir y sentencias posteriores no encuentran el objeto.",
            "Use un nombre de 63 bytes como máximo.",
        ),
        RuleId::EnumValueWithoutPosition => (
            "ADD VALUE sin BEFORE ni AFTER añade el valor al final, lo que decide cómo se ordenan y comparan los valores.",
            "Diga dónde va: ADD VALUE 'x' BEFORE 'y' (o AFTER).",
        ),
        RuleId::EmptyDowngrade => (
            "La sección de reversión está vacía: esta revisión no se puede deshacer.",
            "Escriba el SQL que revierte la actualización (o explique en un comentario por qué no se puede).",
        ),
        RuleId::DowngradeDoesNotReverse => (
            "Tras la actualización y luego la reversión, el esquema no es el de antes (según el modelo de esquema): una vuelta atrás deja objetos o los pierde, y volver a actualizar puede fallar.",
            "Haga que la reversión deshaga exactamente lo que hizo la actualización, en orden inverso: elimine lo que añadió y restaure lo que eliminó, renombró o cambió.",
        ),
        RuleId::AllowWithoutReason => (
            "Una línea `-- strata:allow` solo silencia una regla con un motivo, para que los revisores sepan por qué.",
            "Escriba `-- strata:allow <regla> <por qué aquí es seguro>`.",
        ),
        RuleId::ValidateInSameTransaction => (
            "VALIDATE CONSTRAINT se ejecuta en la transacción que añadió la restricción con NOT VALID, que aún mantiene el bloqueo que tomó el ADD (ACCESS EXCLUSIVE; SHARE ROW EXCLUSIVE para una clave foránea): la validación bloquea las escrituras como si no se hubiera usado NOT VALID.",
            "Valide en una revisión posterior, o marque esta revisión `transactional: false` para que cada sentencia se confirme por separado.",
        ),
        RuleId::ReindexWithoutConcurrently => (
            "REINDEX sin CONCURRENTLY bloquea las escrituras en la tabla, y las lecturas que usarían el índice, hasta reconstruir todos los índices.",
            "REINDEX ... CONCURRENTLY (PostgreSQL 12+), en una revisión marcada `transactional: false`.",
        ),
        RuleId::VacuumFullOrCluster => (
            "VACUUM FULL y CLUSTER reescriben toda la tabla con un bloqueo ACCESS EXCLUSIVE: lecturas y escrituras esperan hasta que terminan.",
            "Un VACUUM normal (que no bloquea lecturas ni escrituras) suele bastar; para recuperar espacio en línea, use pg_repack o pg_squeeze fuera de la migración.",
        ),
        RuleId::DetachPartitionWithoutConcurrently => (
            "DETACH PARTITION sin CONCURRENTLY toma un bloqueo ACCESS EXCLUSIVE sobre la tabla particionada: todas sus consultas esperan.",
            "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+), en una revisión marcada `transactional: false`.",
        ),
        RuleId::DroppingDatabase => (
            "DROP DATABASE destruye una base de datos entera con todas sus filas; no se puede deshacer.",
            "Elimine bases de datos a mano, tras una copia de seguridad, no desde una migración.",
        ),
        RuleId::DomainConstraintWithoutNotValid => (
            "ALTER DOMAIN ... ADD CONSTRAINT comprueba todas las columnas del tipo del dominio en todas las tablas, con bloqueos que impiden escribir en ellas mientras tanto.",
            "Añádala con NOT VALID y luego ALTER DOMAIN ... VALIDATE CONSTRAINT en otra transacción.",
        ),
        RuleId::DroppingNotNull => (
            "DROP NOT NULL deja entrar NULL: el código, los informes y otros servicios que cuentan con que la columna tenga valor fallan con el primer NULL.",
            "Asegúrese de que todos los lectores admiten NULL en una versión anterior a la que elimina la restricción.",
        ),
        RuleId::StoredGeneratedColumn => (
            "Añadir una columna GENERATED ... STORED la calcula para cada fila: toda la tabla se reescribe con un bloqueo ACCESS EXCLUSIVE.",
            "Añada una columna normal que admita nulos, rellénela por lotes y manténgala al día con un trigger; o, en PostgreSQL 18+, use una columna generada VIRTUAL (sin reescritura).",
        ),
    }
}
