//! An upload may carry one key several times (a log read twice, a request logged as it grew):
//! each key is written once, as its largest copy.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::Hash;

use foldhash::fast::RandomState;

/// The largest item of each key by `size`, the first of equal ones, in the items' order: what
/// writing them one by one, a larger copy replacing a smaller one, would leave. (One statement
/// may not write a row twice.)
pub(super) fn largest_per_key<'t, T, K: Hash + Eq, S: PartialOrd>(
    items: &'t [T],
    key: impl Fn(&'t T) -> K,
    size: impl Fn(&T) -> S,
) -> Vec<&'t T> {
    let mut best: HashMap<K, usize, RandomState> =
        HashMap::with_capacity_and_hasher(items.len(), RandomState::default());
    for (index, item) in items.iter().enumerate() {
        match best.entry(key(item)) {
            Entry::Occupied(mut kept) => {
                if size(&items[*kept.get()]) < size(item) {
                    kept.insert(index);
                }
            }
            Entry::Vacant(first) => {
                first.insert(index);
            }
        }
    }
    let mut kept: Vec<usize> = best.into_values().collect();
    kept.sort_unstable();
    kept.into_iter().map(|index| &items[index]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_keeps_its_first_largest_copy_in_the_items_order() {
        let items = [
            ("a", 1, 'x'),
            ("b", 5, 'y'),
            ("a", 3, 'z'),
            ("b", 5, 'w'),
            ("c", 0, 'v'),
        ];
        let kept = largest_per_key(&items, |i| i.0, |i| i.1);
        let tags: Vec<char> = kept.iter().map(|i| i.2).collect();
        assert_eq!(tags, vec!['y', 'z', 'v']);
    }
}
