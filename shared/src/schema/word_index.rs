//! Which keys of a map mention each word (see [`Mentions`]), kept up to date by
//! [`Journaled`](super::journaled::Journaled) as the map changes.

use super::mentions::Mentions;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(super) struct WordIndex<K> {
    keys_by_word: HashMap<Box<str>, BTreeSet<K>>,
    /// Keys lent out for change (`get_mut`) with the words their value had then: their value
    /// may have changed behind the index's back, so every search offers them until
    /// [`settle`](Self::settle) indexes them again.
    lent: BTreeMap<K, Vec<Box<str>>>,
}

impl<K: Ord + Clone> WordIndex<K> {
    pub fn of<V: Mentions>(map: &BTreeMap<K, V>) -> Self {
        let mut index = WordIndex { keys_by_word: HashMap::new(), lent: BTreeMap::new() };
        for (key, value) in map {
            index.add(key, value);
        }
        index
    }

    pub fn add(&mut self, key: &K, value: &impl Mentions) {
        value.mentions(&mut |word| {
            match self.keys_by_word.get_mut(word) {
                Some(keys) => keys.insert(key.clone()),
                None => self.keys_by_word.entry(word.into()).or_default().insert(key.clone()),
            };
        });
    }

    pub fn remove(&mut self, key: &K, value: &impl Mentions) {
        let mut words = Vec::new();
        value.mentions(&mut |word| words.push(Box::from(word)));
        self.forget(key, words);
    }

    /// `key`'s value is about to change in place.
    pub fn lend(&mut self, key: &K, value: &impl Mentions) {
        if !self.lent.contains_key(key) {
            let mut words = Vec::new();
            value.mentions(&mut |word| words.push(Box::from(word)));
            self.lent.insert(key.clone(), words);
        }
    }

    /// Indexes the lent keys' values as they are now.
    pub fn settle<V: Mentions>(&mut self, map: &BTreeMap<K, V>) {
        for (key, words) in std::mem::take(&mut self.lent) {
            self.forget(&key, words);
            if let Some(value) = map.get(&key) {
                self.add(&key, value);
            }
        }
    }

    /// The keys whose value may mention `word` (lowercased), in key order.
    pub fn candidates(&self, word: &str) -> BTreeSet<&K> {
        let mut keys: BTreeSet<&K> = self.keys_by_word.get(word).into_iter().flatten().collect();
        keys.extend(self.lent.keys());
        keys
    }

    fn forget(&mut self, key: &K, words: Vec<Box<str>>) {
        for word in words {
            if let Some(keys) = self.keys_by_word.get_mut(&word) {
                keys.remove(key);
                if keys.is_empty() {
                    self.keys_by_word.remove(&word);
                }
            }
        }
    }
}
