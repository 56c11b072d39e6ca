//! PostgreSQL's printed definitions (`pg_get_triggerdef`, `pg_get_indexdef`,
//! `pg_get_statisticsobjdef`) taken apart into the model's fields, so that the model's
//! one-line descriptions print them back as PostgreSQL did. Used for the live catalog and for
//! the model's own objects put through the database (`normalize.rs`) alike.

use sqlx::PgConnection;
use strata_shared::schema::{Index, Origin, QualifiedName, Statistics, Trigger};

/// Query results as text, `NULL` as empty.
pub type Rows = Vec<Vec<String>>;

pub async fn rows(conn: &mut PgConnection, sql: &str) -> Result<Rows, sqlx::Error> {
    use sqlx::Row;
    let result = sqlx::query(sql).fetch_all(&mut *conn).await?;
    Ok(result
        .iter()
        .map(|row| (0..row.len()).map(|i| row.get::<Option<String>, _>(i).unwrap_or_default()).collect())
        .collect())
}

/// Runs `sql` (several statements may be given) on the simple query protocol. Not
/// `sqlx::raw_sql`, whose future is not `Send` for every lifetime (the API's handlers need it).
pub async fn simple(conn: &mut PgConnection, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::Executor::execute(conn, sql).await.map(|_| ())
}

/// Triggers: schema, table, name, `pg_get_triggerdef` without `CREATE [CONSTRAINT] TRIGGER
/// name` and with its `ON table` marked by a unit separator, then the comment. `CONSTRAINT`
/// starts a constraint trigger's definition. A temporary table prints as `pg_temp.name`.
pub const TRIGGERS: &str = "SELECT n.nspname::text, c.relname::text, t.tgname::text,
        CASE WHEN t.tgconstraint <> 0 THEN 'CONSTRAINT ' ELSE '' END
        || replace(regexp_replace(pg_get_triggerdef(t.oid), '^CREATE (CONSTRAINT )?TRIGGER ' || quote_ident(t.tgname) || ' ', ''),
                   ' ON ' || CASE WHEN n.oid = pg_my_temp_schema() THEN 'pg_temp' ELSE quote_ident(n.nspname) END
                   || '.' || quote_ident(c.relname) || ' ', E'\\x1f'),
        obj_description(t.oid, 'pg_trigger')
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace";

/// An identifier as `quote_identifier` prints it (keywords aside).
pub fn ident(name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain { name.to_owned() } else { quote(name) }
}

/// An identifier, always quoted.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `a, "B"` → the names `a` and `B`.
fn names(text: &str) -> Vec<String> {
    split_list(text).iter().map(|name| unquote(name)).collect()
}

/// `"Severity"` → `Severity`, `"a""b"` → `a"b`; a bare name as it is.
fn unquote(printed: &str) -> String {
    match printed.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => printed.to_owned(),
    }
}

/// `a, lower(b), (c || ',')` → its top-level items (parentheses and quotes respected).
fn split_list(text: &str) -> Vec<String> {
    let (mut items, mut depth, mut quote, mut start) = (Vec::new(), 0i32, None, 0);
    let bytes = text.as_bytes();
    for (i, &byte) in bytes.iter().enumerate() {
        match (quote, byte) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(byte),
            (None, b'(' | b'[') => depth += 1,
            (None, b')' | b']') => depth -= 1,
            (None, b',') if depth == 0 && bytes.get(i + 1) == Some(&b' ') => {
                items.push(text[start..i].to_owned());
                start = i + 2;
            }
            _ => {}
        }
    }
    if !text.is_empty() {
        items.push(text[start..].to_owned());
    }
    items
}

/// Where the parenthesised group opening at `open` closes (quotes respected).
fn closing(text: &str, open: usize) -> Option<usize> {
    let (mut depth, mut quote) = (0i32, None);
    for (i, &byte) in text.as_bytes().iter().enumerate().skip(open) {
        match (quote, byte) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(byte),
            (None, b'(') => depth += 1,
            (None, b')') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// A trigger from [`TRIGGERS`]' definition column.
pub fn trigger(name: &str, definition: &str, origin: Origin, comment: Option<String>) -> Trigger {
    let (constraint, text) = match definition.strip_prefix("CONSTRAINT ") {
        Some(rest) => (true, rest),
        None => (false, definition),
    };
    let (head, tail) = text.split_once('\x1f').unwrap_or(("", text));
    let (timing, events) = match head.strip_prefix("INSTEAD OF ") {
        Some(events) => ("INSTEAD OF", events),
        None => head.split_once(' ').unwrap_or((head, "")),
    };
    let mut update_columns = Vec::new();
    let events = events
        .split(" OR ")
        .filter(|e| !e.is_empty())
        .map(|event| match event.strip_prefix("UPDATE OF ") {
            Some(columns) => {
                update_columns = names(columns);
                "UPDATE".to_owned()
            }
            None => event.to_owned(),
        })
        .collect();
    let (before, call) = tail.rsplit_once(" EXECUTE FUNCTION ").unwrap_or((tail, ""));
    let (clauses, condition) = match before.find(" WHEN (") {
        Some(at) if before.ends_with(')') => (&before[..at], Some(before[at + 7..before.len() - 1].to_owned())),
        _ => (before, None),
    };
    let (function, arguments) = match (call.find('('), call.ends_with(')')) {
        (Some(open), true) => (&call[..open], &call[open + 1..call.len() - 1]),
        _ => (call, ""),
    };
    Trigger {
        name: name.to_owned(),
        origin,
        timing: timing.to_owned(),
        events,
        update_columns,
        clauses: clauses.to_owned(),
        condition,
        function_name: QualifiedName::parse(function),
        arguments: arguments.to_owned(),
        constraint,
        comment,
    }
}

/// An index from `pg_get_indexdef`: `CREATE [UNIQUE] INDEX name ON [ONLY] table USING method
/// (keys) [INCLUDE (…)] [NULLS NOT DISTINCT] [WITH (…)] [WHERE …]`.
pub fn index(definition: &str, table: QualifiedName, origin: Origin, comment: Option<String>) -> Index {
    let mut index = Index {
        origin,
        table,
        unique: definition.starts_with("CREATE UNIQUE "),
        method: String::new(),
        keys: Vec::new(),
        include: Vec::new(),
        nulls_not_distinct: false,
        options: Vec::new(),
        predicate: None,
        comment,
    };
    let Some(using) = definition.find(" USING ") else {
        index.keys.push(definition.to_owned());
        return index;
    };
    let rest = &definition[using + 7..];
    let (Some(open), Some(close)) = (rest.find(" ("), rest.find(" (").and_then(|open| closing(rest, open + 1))) else {
        index.keys.push(rest.to_owned());
        return index;
    };
    index.method = rest[..open].to_owned();
    index.keys = split_list(&rest[open + 2..close]);
    let mut rest = &rest[close + 1..];
    if let Some(after) = rest.strip_prefix(" INCLUDE (")
        && let Some(end) = closing(rest, 9)
    {
        index.include = names(&after[..end - 10]);
        rest = &rest[end + 1..];
    }
    if let Some(after) = rest.strip_prefix(" NULLS NOT DISTINCT") {
        index.nulls_not_distinct = true;
        rest = after;
    }
    if let Some(after) = rest.strip_prefix(" WITH (")
        && let Some(end) = closing(rest, 6)
    {
        index.options = split_list(&after[..end - 7]);
        rest = &rest[end + 1..];
    }
    if let Some(predicate) = rest.strip_prefix(" WHERE ") {
        index.predicate = Some(predicate.to_owned());
    }
    index
}

/// An index as `pg_get_indexdef` prints it without its name and table (which the facts key on).
pub fn index_definition(index: &Index) -> String {
    let mut text = format!(
        "CREATE {}INDEX USING {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        index.method,
        index.keys.join(", ")
    );
    if !index.include.is_empty() {
        let include: Vec<String> = index.include.iter().map(|name| ident(name)).collect();
        text.push_str(&format!(" INCLUDE ({})", include.join(", ")));
    }
    if index.nulls_not_distinct {
        text.push_str(" NULLS NOT DISTINCT");
    }
    if !index.options.is_empty() {
        text.push_str(&format!(" WITH ({})", index.options.join(", ")));
    }
    if let Some(predicate) = &index.predicate {
        text.push_str(&format!(" WHERE {predicate}"));
    }
    text
}

/// Extended statistics from `pg_get_statisticsobjdef` after `CREATE STATISTICS name `:
/// `[(kinds) ]ON keys FROM table`.
pub fn statistics(definition: &str, origin: Origin, comment: Option<String>) -> Statistics {
    let (kinds, rest) = match definition.strip_prefix('(').and_then(|r| r.split_once(") ")) {
        Some((kinds, rest)) => (split_list(kinds), rest),
        None => (Vec::new(), definition),
    };
    let rest = rest.strip_prefix("ON ").unwrap_or(rest);
    let (keys, table) = rest.rsplit_once(" FROM ").unwrap_or((rest, ""));
    Statistics { origin, table: QualifiedName::parse(table), kinds, keys: split_list(keys), comment }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_shared::schema::describe;

    fn origin() -> Origin {
        Origin { revision: String::new(), downgrade: false, statement: 0, part: 0 }
    }

    #[test]
    fn definitions_print_back_as_postgresql_printed_them() {
        for definition in [
            "CREATE UNIQUE INDEX i ON public.t USING btree (a, lower((b)::text) DESC) INCLUDE (c, \"D\") NULLS NOT DISTINCT WITH (fillfactor='70') WHERE (a > 0)",
            "CREATE INDEX i ON ONLY s.t USING gin (to_tsvector('english'::regconfig, body))",
        ] {
            let parsed = index(definition, QualifiedName::parse("t"), origin(), None);
            let (head, _) = definition.split_once(" USING ").unwrap();
            let expected =
                format!("{}INDEX USING {}", &head[..head.find("INDEX ").unwrap()], &definition[head.len() + 7..]);
            assert_eq!(index_definition(&parsed), expected);
        }
        for definition in [
            "CONSTRAINT AFTER INSERT OR UPDATE OF a, \"B\"\x1fFROM s.t NOT DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW WHEN ((new.a IS DISTINCT FROM old.a)) EXECUTE FUNCTION s.f('x, y', 'z')",
            "INSTEAD OF DELETE\x1fFOR EACH ROW EXECUTE FUNCTION f()",
        ] {
            assert_eq!(describe::trigger(&trigger("t", definition, origin(), None)), definition.replace('\x1f', " "));
        }
        for definition in ["(ndistinct, dependencies) ON a, (b || ', ') FROM s.t", "ON a, b FROM t"] {
            assert_eq!(describe::statistics(&statistics(definition, origin(), None)), definition);
        }
    }

    /// Column names come out as the model keeps them (by name), whatever quoting they needed.
    #[test]
    fn include_and_update_of_columns_are_names() {
        let printed = "CREATE INDEX i ON public.t USING btree (a) INCLUDE (c, \"D\", \"a\"\"b\", \"order\")";
        let parsed = index(printed, QualifiedName::parse("t"), origin(), None);
        assert_eq!(parsed.include, ["c", "D", "a\"b", "order"]);
        let printed = "AFTER UPDATE OF \"Full Name\", \"order\", plain\x1fFOR EACH ROW EXECUTE FUNCTION f()";
        let parsed = trigger("t", printed, origin(), None);
        assert_eq!(parsed.update_columns, ["Full Name", "order", "plain"]);
        assert_eq!(describe::trigger(&parsed), printed.replace('\x1f', " "), "and print back quoted");
    }
}
