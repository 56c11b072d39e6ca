//! A schema's map of objects that can note, while a revision is applied, the first value of
//! every key it changes. A revision's diff then looks only at those keys, and its downgrade
//! check is undone from the notes, so replaying a long history never copies or scans the
//! whole schema per revision. It also keeps, once first searched, which keys mention which
//! words, so a statement finds what refers to a name without scanning the map either.

use super::mentions::{Mentions, search_word};
use super::model::{
    Extension, Function, Index, Namespace, QualifiedName, Schema, Sequence, Statistics, Table, TypeDef, View,
};
use super::word_index::WordIndex;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// Each changed key's value before the changes (`None`: the key was absent).
pub type Notes<K, V> = BTreeMap<K, Option<V>>;

/// A `BTreeMap` to read; its changes go through methods that note what they replace.
pub struct Journaled<K, V> {
    map: BTreeMap<K, V>,
    notes: Option<Notes<K, V>>,
    /// Built at the first search, then kept up to date by every change.
    words: OnceLock<Box<WordIndex<K>>>,
}

impl<K: Ord + Clone, V: Clone + Mentions> Journaled<K, V> {
    /// Starts noting changes (forgetting earlier notes).
    pub fn start_notes(&mut self) {
        self.notes = Some(BTreeMap::new());
    }

    /// Stops noting and hands over the notes.
    pub fn take_notes(&mut self) -> Notes<K, V> {
        self.notes.take().unwrap_or_default()
    }

    /// Puts back the values `notes` recorded.
    pub fn undo(&mut self, notes: Notes<K, V>) {
        self.settle();
        for (key, value) in notes {
            self.reindex(&key, value.as_ref());
            match value {
                Some(value) => self.map.insert(key, value),
                None => self.map.remove(&key),
            };
        }
    }

    /// The noted keys' values before (`notes`) and now.
    pub fn before_and_now(&self, notes: &Notes<K, V>) -> (Self, Self) {
        let before = notes.iter().filter_map(|(k, v)| Some((k.clone(), v.clone()?))).collect();
        let now = notes.keys().filter_map(|k| Some((k.clone(), self.map.get(k)?.clone()))).collect();
        (before, now)
    }

    fn note(&mut self, key: &K) {
        if let Some(notes) = self.notes.as_mut()
            && !notes.contains_key(key)
        {
            notes.insert(key.clone(), self.map.get(key).cloned());
        }
    }

    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.settle();
        self.note(&key);
        self.reindex(&key, Some(&value));
        self.map.insert(key, value)
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.settle();
        let owned = self.map.get_key_value(key)?.0.clone();
        self.note(&owned);
        self.reindex(&owned, None);
        self.map.remove(key)
    }

    /// The value to change (noted as changed whether or not it is).
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.settle();
        let (owned, value) = self.map.get_key_value(key)?;
        let owned = owned.clone();
        if let Some(index) = self.words.get_mut() {
            index.lend(&owned, value);
        }
        self.note(&owned);
        self.map.get_mut(key)
    }

    /// The entries whose value may mention the name `name` (see [`Mentions`]), in key order:
    /// what a search for the objects that refer to `name` needs to look at.
    pub fn mentioning(&self, name: &str) -> Vec<(&K, &V)> {
        let Some(word) = search_word(name) else { return self.map.iter().collect() };
        let index = self.words.get_or_init(|| Box::new(WordIndex::of(&self.map)));
        index.candidates(&word).into_iter().filter_map(|key| self.map.get_key_value(key)).collect()
    }

    /// Whether an entry that may mention `name` passes `test`.
    pub fn any_mentioning(&self, name: &str, test: impl Fn(&K, &V) -> bool) -> bool {
        let found = self.mentioning(name).into_iter().any(|(k, v)| test(k, v));
        debug_assert_eq!(found, self.map.iter().any(|(k, v)| test(k, v)), "the words of {name} missed an entry");
        found
    }

    /// The keys of the entries that may mention `name` and pass `test`, in key order.
    pub fn keys_mentioning(&self, name: &str, test: impl Fn(&K, &V) -> bool) -> Vec<K> {
        let keys: Vec<K> =
            self.mentioning(name).into_iter().filter(|(k, v)| test(k, v)).map(|(k, _)| k.clone()).collect();
        debug_assert!(
            self.map.iter().filter(|(k, v)| test(k, v)).map(|(k, _)| k).eq(keys.iter()),
            "the words of {name} missed an entry"
        );
        keys
    }

    /// Removes the entries that may mention `name` and fail `keep`.
    pub fn retain_mentioning(&mut self, name: &str, keep: impl Fn(&K, &V) -> bool) {
        for key in self.keys_mentioning(name, |k, v| !keep(k, v)) {
            self.remove(&key);
        }
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        let gone: Vec<K> = self.map.iter().filter(|(k, v)| !keep(k, v)).map(|(k, _)| k.clone()).collect();
        for key in gone {
            self.remove(&key);
        }
    }

    /// The whole map made anew (renaming a schema moves keys): every key noted.
    pub fn replace_with(&mut self, make: impl FnOnce(BTreeMap<K, V>) -> BTreeMap<K, V>) {
        self.words = OnceLock::new();
        let old = std::mem::take(&mut self.map);
        let new = make(old.clone());
        if let Some(notes) = self.notes.as_mut() {
            for key in old.keys().chain(new.keys()) {
                if !notes.contains_key(key) {
                    notes.insert(key.clone(), old.get(key).cloned());
                }
            }
        }
        self.map = new;
    }

    /// Indexes again the values lent out by `get_mut` (their borrow has ended by now).
    fn settle(&mut self) {
        if let Some(index) = self.words.get_mut() {
            index.settle(&self.map);
        }
    }

    /// `key`'s words from its present value to `value`'s (`None`: the key goes).
    fn reindex(&mut self, key: &K, value: Option<&V>) {
        if let Some(index) = self.words.get_mut() {
            index.replace(key, self.map.get(key), value);
        }
    }
}

impl<K: Ord + Clone, T: Clone + Mentions> Journaled<K, Arc<T>> {
    /// Every object offered for change; noted only when `change` made it another object
    /// (objects are shared, so changing one through `Arc::make_mut` copies it).
    pub fn for_each_mut(&mut self, mut change: impl FnMut(&K, &mut Arc<T>)) {
        self.settle();
        let watching = self.notes.is_some() || self.words.get().is_some();
        let mut changed = Vec::new();
        for (key, value) in self.map.iter_mut() {
            // Held while `change` runs so that a change copies rather than edits in place.
            let old = watching.then(|| value.clone());
            change(key, value);
            if let Some(old) = old.filter(|old| !Arc::ptr_eq(old, value)) {
                changed.push((key.clone(), old));
            }
        }
        self.changed(changed);
    }

    /// The objects that may mention `name` offered for change: `change` must leave the others
    /// as they are.
    #[cfg_attr(not(debug_assertions), allow(unused_mut))]
    pub fn for_each_mut_mentioning(&mut self, name: &str, mut change: impl FnMut(&K, &mut Arc<T>)) {
        let keys: Vec<K> = self.mentioning(name).into_iter().map(|(k, _)| k.clone()).collect();
        #[cfg(debug_assertions)]
        for (key, value) in self.map.iter().filter(|(k, _)| keys.binary_search(k).is_err()) {
            let mut copy = value.clone();
            change(key, &mut copy);
            assert!(Arc::ptr_eq(value, &copy), "the words of {name} missed an entry");
        }
        self.change_each(keys, change);
    }

    fn change_each(&mut self, keys: Vec<K>, mut change: impl FnMut(&K, &mut Arc<T>)) {
        self.settle();
        let mut changed = Vec::new();
        for key in keys {
            let Some(value) = self.map.get_mut(&key) else { continue };
            let old = value.clone();
            change(&key, value);
            if !Arc::ptr_eq(&old, value) {
                changed.push((key, old));
            }
        }
        self.changed(changed);
    }

    /// Notes and indexes the objects `change_each` or `for_each_mut` replaced.
    fn changed(&mut self, changed: Vec<(K, Arc<T>)>) {
        for (key, old) in changed {
            if let Some(index) = self.words.get_mut() {
                index.replace(&key, Some(&old), self.map.get(&key));
            }
            if let Some(notes) = self.notes.as_mut() {
                notes.entry(key).or_insert(Some(old));
            }
        }
    }
}

impl<K, V> Default for Journaled<K, V> {
    fn default() -> Self {
        Journaled { map: BTreeMap::new(), notes: None, words: OnceLock::new() }
    }
}

/// A copy is a new schema: it notes nothing, and indexes its words when first searched.
impl<K: Clone, V: Clone> Clone for Journaled<K, V> {
    fn clone(&self) -> Self {
        Journaled { map: self.map.clone(), notes: None, words: OnceLock::new() }
    }
}

impl<K: std::fmt::Debug, V: std::fmt::Debug> std::fmt::Debug for Journaled<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journaled").field("map", &self.map).field("notes", &self.notes).finish()
    }
}

impl<K: PartialEq, V: PartialEq> PartialEq for Journaled<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.map == other.map
    }
}

impl<K: Eq, V: Eq> Eq for Journaled<K, V> {}

impl<K, V> Deref for Journaled<K, V> {
    type Target = BTreeMap<K, V>;
    fn deref(&self) -> &BTreeMap<K, V> {
        &self.map
    }
}

impl<K, V> From<BTreeMap<K, V>> for Journaled<K, V> {
    fn from(map: BTreeMap<K, V>) -> Self {
        Journaled { map, notes: None, words: OnceLock::new() }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for Journaled<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        BTreeMap::from_iter(items).into()
    }
}

impl<K, V> IntoIterator for Journaled<K, V> {
    type Item = (K, V);
    type IntoIter = std::collections::btree_map::IntoIter<K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.map.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a Journaled<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::collections::btree_map::Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.map.iter()
    }
}

impl<K: Serialize, V: Serialize> Serialize for Journaled<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(serializer)
    }
}

impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for Journaled<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::deserialize(deserializer)?.into())
    }
}

/// The same on every map of a schema.
macro_rules! schema_notes {
    ($($field:ident: $key:ty => $value:ty,)*) => {
        /// What applying statements to a schema replaced, map by map.
        #[derive(Clone, Default)]
        pub struct SchemaNotes {
            $($field: Notes<$key, $value>,)*
        }

        impl SchemaNotes {
            /// These notes then `later`'s for keys these do not have: the values before both.
            pub fn then(mut self, later: &SchemaNotes) -> SchemaNotes {
                $(for (key, value) in &later.$field {
                    self.$field.entry(key.clone()).or_insert_with(|| value.clone());
                })*
                self
            }
        }

        impl Schema {
            /// Starts noting what changes (see [`Journaled`]).
            pub fn start_notes(&mut self) {
                $(self.$field.start_notes();)*
            }

            pub fn take_notes(&mut self) -> SchemaNotes {
                SchemaNotes { $($field: self.$field.take_notes(),)* }
            }

            /// Puts back what `notes` recorded.
            pub fn undo(&mut self, notes: SchemaNotes) {
                $(self.$field.undo(notes.$field);)*
            }

            /// Only the noted objects, as they were and as they are: what `diff` needs to
            /// tell what changed, as the whole schemas would.
            pub fn before_and_now(&self, notes: &SchemaNotes) -> (Schema, Schema) {
                let mut before = Schema::default();
                let mut now = Schema::default();
                $((before.$field, now.$field) = self.$field.before_and_now(&notes.$field);)*
                (before, now)
            }
        }
    };
}

schema_notes! {
    namespaces: String => Namespace,
    tables: QualifiedName => Arc<Table>,
    views: QualifiedName => Arc<View>,
    indexes: QualifiedName => Arc<Index>,
    sequences: QualifiedName => Arc<Sequence>,
    types: QualifiedName => Arc<TypeDef>,
    functions: String => Arc<Function>,
    statistics: QualifiedName => Arc<Statistics>,
    extensions: String => Extension,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::model::Origin;

    fn index_on(table: &str) -> Arc<Index> {
        let origin = Origin { revision: "r1".into(), downgrade: false, statement: 0, part: 0 };
        Arc::new(Index {
            origin,
            table: QualifiedName::parse(table),
            unique: false,
            method: "btree".into(),
            keys: vec!["id".into()],
            include: Vec::new(),
            nulls_not_distinct: false,
            options: Vec::new(),
            predicate: None,
            comment: None,
        })
    }

    fn on(indexes: &Journaled<QualifiedName, Arc<Index>>, table: &str) -> Vec<String> {
        let table = QualifiedName::parse(table);
        indexes.keys_mentioning(&table.name, |_, index| index.table == table).iter().map(|k| k.name.clone()).collect()
    }

    #[test]
    fn searches_follow_every_kind_of_change() {
        let mut indexes: Journaled<QualifiedName, Arc<Index>> = [("a_idx", "Account"), ("b_idx", "orders")]
            .map(|(k, t)| (QualifiedName::parse(k), index_on(t)))
            .into_iter()
            .collect();
        assert_eq!(on(&indexes, "Account"), ["a_idx"]);
        indexes.start_notes();
        // Changed in place: found under its new table even before the next change settles it.
        Arc::make_mut(indexes.get_mut(&QualifiedName::parse("a_idx")).unwrap()).table = QualifiedName::parse("orders");
        assert_eq!(on(&indexes, "orders"), ["a_idx", "b_idx"]);
        indexes.insert(QualifiedName::parse("c_idx"), index_on("Account"));
        assert_eq!(on(&indexes, "Account"), ["c_idx"]);
        indexes.for_each_mut_mentioning("orders", |_, index| {
            if index.table.name == "orders" {
                Arc::make_mut(index).table = QualifiedName::parse("Account");
            }
        });
        assert_eq!(on(&indexes, "Account"), ["a_idx", "b_idx", "c_idx"]);
        indexes.retain_mentioning("Account", |key, _| key.name != "b_idx");
        assert_eq!(on(&indexes, "Account"), ["a_idx", "c_idx"]);
        let notes = indexes.take_notes();
        indexes.undo(notes);
        assert_eq!(on(&indexes, "Account"), ["a_idx"]);
        assert_eq!(on(&indexes, "orders"), ["b_idx"]);
    }
}
