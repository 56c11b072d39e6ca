//! A schema's map of objects that can note, while a revision is applied, the first value of
//! every key it changes. A revision's diff then looks only at those keys, and its downgrade
//! check is undone from the notes, so replaying a long history never copies or scans the
//! whole schema per revision.

use super::model::{
    Extension, Function, Index, Namespace, QualifiedName, Schema, Sequence, Statistics, Table, TypeDef, View,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::Arc;

/// Each changed key's value before the changes (`None`: the key was absent).
pub type Notes<K, V> = BTreeMap<K, Option<V>>;

/// A `BTreeMap` to read; its changes go through methods that note what they replace.
#[derive(Debug)]
pub struct Journaled<K, V> {
    map: BTreeMap<K, V>,
    notes: Option<Notes<K, V>>,
}

impl<K: Ord + Clone, V: Clone> Journaled<K, V> {
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
        for (key, value) in notes {
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
        self.note(&key);
        self.map.insert(key, value)
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let owned = self.map.get_key_value(key)?.0.clone();
        self.note(&owned);
        self.map.remove(key)
    }

    /// The value to change (noted as changed whether or not it is).
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let owned = self.map.get_key_value(key)?.0.clone();
        self.note(&owned);
        self.map.get_mut(key)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        let gone: Vec<K> = self.map.iter().filter(|(k, v)| !keep(k, v)).map(|(k, _)| k.clone()).collect();
        for key in gone {
            self.remove(&key);
        }
    }

    /// The whole map made anew (renaming a schema moves keys): every key noted.
    pub fn replace_with(&mut self, make: impl FnOnce(BTreeMap<K, V>) -> BTreeMap<K, V>) {
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
}

impl<K: Ord + Clone, T: Clone> Journaled<K, Arc<T>> {
    /// Every object offered for change; noted only when `change` made it another object
    /// (objects are shared, so changing one through `Arc::make_mut` copies it).
    pub fn for_each_mut(&mut self, mut change: impl FnMut(&K, &mut Arc<T>)) {
        let noting = self.notes.is_some();
        let mut changed = Vec::new();
        for (key, value) in self.map.iter_mut() {
            // Held while `change` runs so that a change copies rather than edits in place.
            let old = noting.then(|| value.clone());
            change(key, value);
            if let Some(old) = old.filter(|old| !Arc::ptr_eq(old, value)) {
                changed.push((key.clone(), old));
            }
        }
        if let Some(notes) = self.notes.as_mut() {
            for (key, old) in changed {
                notes.entry(key).or_insert(Some(old));
            }
        }
    }
}

impl<K, V> Default for Journaled<K, V> {
    fn default() -> Self {
        Journaled { map: BTreeMap::new(), notes: None }
    }
}

/// A copy is a new schema: it notes nothing.
impl<K: Clone, V: Clone> Clone for Journaled<K, V> {
    fn clone(&self) -> Self {
        Journaled { map: self.map.clone(), notes: None }
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
        Journaled { map, notes: None }
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
