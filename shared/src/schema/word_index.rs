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
        self.change(key, Vec::new(), words(value));
    }

    /// `key`'s value goes from `old` to `new` (`None`: absent).
    pub fn replace<V: Mentions>(&mut self, key: &K, old: Option<&V>, new: Option<&V>) {
        self.change(key, old.map(words).unwrap_or_default(), new.map(words).unwrap_or_default());
    }

    /// `key`'s value is about to change in place.
    pub fn lend(&mut self, key: &K, value: &impl Mentions) {
        if !self.lent.contains_key(key) {
            self.lent.insert(key.clone(), words(value));
        }
    }

    /// Indexes the lent keys' values as they are now.
    pub fn settle<V: Mentions>(&mut self, map: &BTreeMap<K, V>) {
        for (key, before) in std::mem::take(&mut self.lent) {
            let now = map.get(&key).map(words).unwrap_or_default();
            self.change(&key, before, now);
        }
    }

    /// The keys whose value may mention `word` (lowercased), in key order.
    pub fn candidates(&self, word: &str) -> BTreeSet<&K> {
        let mut keys: BTreeSet<&K> = self.keys_by_word.get(word).into_iter().flatten().collect();
        keys.extend(self.lent.keys());
        keys
    }

    /// Only the words that differ are touched: most changes to a table (a column, a
    /// constraint) leave nearly all of its words as they were.
    fn change(&mut self, key: &K, before: Vec<Box<str>>, now: Vec<Box<str>>) {
        for word in before.iter().filter(|w| now.binary_search(w).is_err()) {
            if let Some(keys) = self.keys_by_word.get_mut(word) {
                keys.remove(key);
                if keys.is_empty() {
                    self.keys_by_word.remove(word);
                }
            }
        }
        for word in now.into_iter().filter(|w| before.binary_search(w).is_err()) {
            self.keys_by_word.entry(word).or_default().insert(key.clone());
        }
    }
}

/// A value's words, sorted, once each.
fn words(value: &impl Mentions) -> Vec<Box<str>> {
    let mut words = Vec::new();
    value.mentions(&mut |word| words.push(Box::from(word)));
    words.sort_unstable();
    words.dedup();
    words
}
