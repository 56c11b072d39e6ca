//! Which keys of a map mention each word (see [`Mentions`]), kept up to date by
//! [`Journaled`](super::journaled::Journaled) as the map changes.

use super::mentions::Mentions;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

// Memory, not speed, shaped this: most words (constraint names, say) belong to one key, and a
// B-tree set per word cost a node of eleven keys each (26 MB at 50,000 revisions' head); a
// sorted list of shared keys costs a pointer per word of a key. Words are kept as 64-bit
// hashes, not text: two words of one hash only make a search look at more candidates.
pub(super) struct WordIndex<K> {
    /// By the word's hash; sorted, once each.
    keys_by_word: HashMap<u64, Vec<Arc<K>>>,
    /// One shared copy of each indexed key.
    keys: BTreeMap<K, Arc<K>>,
    /// Keys lent out for change (`get_mut`) with the words their value had then: their value
    /// may have changed behind the index's back, so every search offers them until
    /// [`settle`](Self::settle) indexes them again.
    lent: BTreeMap<K, Vec<u64>>,
}

impl<K: Ord + Clone> WordIndex<K> {
    pub fn of<V: Mentions>(map: &BTreeMap<K, V>) -> Self {
        let mut index = WordIndex { keys_by_word: HashMap::new(), keys: BTreeMap::new(), lent: BTreeMap::new() };
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
        let mut keys: BTreeSet<&K> =
            self.keys_by_word.get(&hash(word)).into_iter().flatten().map(|key| &**key).collect();
        keys.extend(self.lent.keys());
        keys
    }

    /// Only the words that differ are touched: most changes to a table (a column, a
    /// constraint) leave nearly all of its words as they were.
    fn change(&mut self, key: &K, before: Vec<u64>, now: Vec<u64>) {
        for word in before.iter().filter(|w| now.binary_search(w).is_err()) {
            if let Some(keys) = self.keys_by_word.get_mut(word) {
                if let Ok(at) = keys.binary_search_by(|k| (**k).cmp(key)) {
                    keys.remove(at);
                }
                if keys.is_empty() {
                    self.keys_by_word.remove(word);
                }
            }
        }
        let shared = self.keys.entry(key.clone()).or_insert_with(|| Arc::new(key.clone())).clone();
        for word in now.into_iter().filter(|w| before.binary_search(w).is_err()) {
            let keys = self.keys_by_word.entry(word).or_default();
            if let Err(at) = keys.binary_search_by(|k| (**k).cmp(key)) {
                keys.insert(at, shared.clone());
            }
        }
        // Held only here and by `shared`: no word names the key any more.
        if Arc::strong_count(&shared) == 2 {
            self.keys.remove(key);
        }
    }
}

/// A value's words' hashes, sorted, once each.
fn words(value: &impl Mentions) -> Vec<u64> {
    let mut words = Vec::new();
    value.mentions(&mut |word| words.push(hash(word)));
    words.sort_unstable();
    words.dedup();
    words
}

/// Deterministic (SipHash with fixed keys), as an index and its searches must agree.
fn hash(word: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    word.hash(&mut hasher);
    hasher.finish()
}
