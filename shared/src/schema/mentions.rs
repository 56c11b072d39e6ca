//! The words each object of the model mentions, so that a statement can find the objects
//! that may refer to a name (the indexes of a table, the columns of a type, the defaults that
//! call a function) without reading the whole schema: a long history's schema has thousands
//! of tables, and scanning them on every statement made replaying it quadratic.
//!
//! A word is a run of identifier characters, lowercased, so a name and any text that spells
//! it, quoted or not, qualified or not, share their words. An object's words must include
//! every name a search for it is made by; extra words only cost a closer look.

use super::model::{
    Extension, Function, Index, Namespace, QualifiedName, Sequence, Statistics, Table, TypeDef, TypeKind, View,
};
use std::sync::Arc;

/// What an object of the model mentions, word by word (repeats allowed).
pub trait Mentions {
    fn mentions(&self, word: &mut dyn FnMut(&str));
}

/// The word a name is searched by: its first run of identifier characters, lowercased.
/// `None` when it has none, and then every object is a candidate.
pub fn search_word(name: &str) -> Option<String> {
    let mut first = None;
    words_of(name, &mut |word| {
        first.get_or_insert_with(|| word.to_owned());
    });
    first
}

/// Every word of `text`, lowercased.
fn words_of(text: &str, word: &mut dyn FnMut(&str)) {
    for run in text.split(|c: char| !is_identifier_char(c)).filter(|run| !run.is_empty()) {
        if run.bytes().any(|b| b.is_ascii_uppercase()) || !run.is_ascii() {
            word(&run.to_lowercase());
        } else {
            word(run);
        }
    }
}

/// What PostgreSQL allows in an unquoted identifier (letters of any script, digits, `_`, `$`).
fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

fn name_words(name: &QualifiedName, word: &mut dyn FnMut(&str)) {
    words_of(&name.name, word);
}

impl<T: Mentions> Mentions for Arc<T> {
    fn mentions(&self, word: &mut dyn FnMut(&str)) {
        (**self).mentions(word)
    }
}

/// Searched by: its constraints' names (a new relation's name must not be an index-backed
/// constraint's), the tables its foreign keys reference, its columns' types and the functions
/// and sequences their defaults name, the functions its triggers execute.
impl Mentions for Table {
    fn mentions(&self, word: &mut dyn FnMut(&str)) {
        for column in &self.columns {
            words_of(&column.data_type, word);
            for text in [&column.default, &column.generated].into_iter().flatten() {
                words_of(text, word);
            }
        }
        for constraint in &self.constraints {
            words_of(&constraint.name, word);
            if let Some(reference) = &constraint.references {
                name_words(&reference.table, word);
            }
        }
        for trigger in &self.triggers {
            name_words(&trigger.function_name, word);
        }
    }
}

/// Searched by its table.
impl Mentions for Index {
    fn mentions(&self, word: &mut dyn FnMut(&str)) {
        name_words(&self.table, word);
    }
}

/// Searched by its table.
impl Mentions for Statistics {
    fn mentions(&self, word: &mut dyn FnMut(&str)) {
        name_words(&self.table, word);
    }
}

/// Searched by the table that owns it.
impl Mentions for Sequence {
    fn mentions(&self, word: &mut dyn FnMut(&str)) {
        if let Some((table, _)) = &self.owned_by {
            name_words(table, word);
        }
    }
}

/// Searched by the relations its query reads.
impl Mentions for View {
    fn mentions(&self, word: &mut dyn FnMut(&str)) {
        words_of(&self.definition, word);
    }
}

/// Searched by the types it is made of.
impl Mentions for TypeDef {
    fn mentions(&self, word: &mut dyn FnMut(&str)) {
        match &self.kind {
            TypeKind::Enum { .. } => {}
            TypeKind::Composite { attributes } => {
                attributes.iter().for_each(|(_, data_type)| words_of(data_type, word))
            }
            TypeKind::Domain { base, default, .. } => {
                words_of(base, word);
                default.iter().for_each(|default| words_of(default, word));
            }
        }
    }
}

/// Searched by its name and the types of its arguments and result.
impl Mentions for Function {
    fn mentions(&self, word: &mut dyn FnMut(&str)) {
        name_words(&self.name, word);
        words_of(&self.arguments, word);
        words_of(&self.returns, word);
    }
}

/// Never searched: schemas and extensions are few.
impl Mentions for Namespace {
    fn mentions(&self, _: &mut dyn FnMut(&str)) {}
}

impl Mentions for Extension {
    fn mentions(&self, _: &mut dyn FnMut(&str)) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut words = Vec::new();
        words_of(text, &mut |w| words.push(w.to_owned()));
        words
    }

    #[test]
    fn a_name_and_the_text_that_spells_it_share_its_search_word() {
        assert_eq!(all(r#"nextval('"Order Seq"'::regclass)"#), ["nextval", "order", "seq", "regclass"]);
        assert_eq!(search_word("Order Seq").as_deref(), Some("order"));
        assert_eq!(all("public.mood[]"), ["public", "mood"]);
        assert_eq!(search_word("Ünïcode_Tab").as_deref(), Some("ünïcode_tab"));
        assert_eq!(search_word("-"), None);
    }
}
