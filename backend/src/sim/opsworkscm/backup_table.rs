//! The OpsWorks CM backups, by id and by server: DescribeBackups of one
//! server and the automated-backup retention read that server's backups
//! alone rather than filtering every backup (which made DescribeBackups of
//! one server grow with the whole account: 4,000 calls a second at 100,000
//! resources against 30,000 at 1,000), and the manual backups
//! ManualBackupLimit counts are counted as backups come and go.

use std::collections::btree_map;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the table needs to know of a backup.
pub(crate) trait Filed {
    /// The server it belongs to (empty when it names none); never changes.
    fn server(&self) -> &str;
    /// Whether it is a manual backup; never changes.
    fn is_manual(&self) -> bool;
}

/// Backups by id, with each server's backup ids and the count of manual
/// backups (what ManualBackupLimit counts) beside them.
///
/// What [`Filed`] reads of a backup never changes: [`BackupTable::get_mut`]
/// must not change it (the index and the count would go stale).
#[derive(Debug, Clone)]
pub(crate) struct BackupTable<R> {
    by_id: BTreeMap<String, R>,
    by_server: HashMap<String, BTreeSet<String>>,
    manual: usize,
}

impl<R> Default for BackupTable<R> {
    fn default() -> Self {
        Self {
            by_id: BTreeMap::new(),
            by_server: HashMap::new(),
            manual: 0,
        }
    }
}

impl<R: Filed> BackupTable<R> {
    /// The backup `id`.
    pub(crate) fn get(&self, id: &str) -> Option<&R> {
        self.by_id.get(id)
    }

    /// The backup `id`, to change anything but its server.
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut R> {
        self.by_id.get_mut(id)
    }

    /// Whether there is a backup `id`.
    pub(crate) fn contains_key(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Puts `record` in as backup `id`, returning the one it replaces.
    pub(crate) fn insert(&mut self, id: String, record: R) -> Option<R> {
        let server = record.server().to_owned();
        let replaced = self.remove(&id);
        self.manual += usize::from(record.is_manual());
        self.by_server.entry(server).or_default().insert(id.clone());
        self.by_id.insert(id, record);
        replaced
    }

    /// Takes backup `id` out.
    pub(crate) fn remove(&mut self, id: &str) -> Option<R> {
        let record = self.by_id.remove(id)?;
        self.manual -= usize::from(record.is_manual());
        let server = record.server();
        if let Some(ids) = self.by_server.get_mut(server) {
            ids.remove(id);
            if ids.is_empty() {
                self.by_server.remove(server);
            }
        }
        Some(record)
    }

    /// Every backup id, in order.
    pub(crate) fn keys(&self) -> btree_map::Keys<'_, String, R> {
        self.by_id.keys()
    }

    /// Every backup, in id order.
    pub(crate) fn values(&self) -> btree_map::Values<'_, String, R> {
        self.by_id.values()
    }

    /// Every `(id, backup)`, in id order.
    pub(crate) fn iter(&self) -> btree_map::Iter<'_, String, R> {
        self.by_id.iter()
    }

    /// The backups of the server `name` (kept after it is gone until they
    /// are deleted), in id order.
    pub(crate) fn of_server<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a R> {
        self.by_server
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|id| self.by_id.get(id))
    }

    /// How many manual backups there are.
    pub(crate) fn manual(&self) -> usize {
        self.manual
    }

    /// Whether the server `name` has any backup.
    pub(crate) fn any_of_server(&self, name: &str) -> bool {
        self.by_server.contains_key(name)
    }
}

impl<'a, R> IntoIterator for &'a BackupTable<R> {
    type Item = (&'a String, &'a R);
    type IntoIter = btree_map::Iter<'a, String, R>;

    fn into_iter(self) -> Self::IntoIter {
        self.by_id.iter()
    }
}

impl<R> std::ops::Index<&str> for BackupTable<R> {
    type Output = R;

    fn index(&self, id: &str) -> &R {
        &self.by_id[id]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A backup as the table sees it.
    #[derive(Debug, Clone)]
    struct Backup {
        id: &'static str,
        server: &'static str,
        manual: bool,
    }

    impl Filed for Backup {
        fn server(&self) -> &str {
            self.server
        }

        fn is_manual(&self) -> bool {
            self.manual
        }
    }

    fn put(table: &mut BackupTable<Backup>, id: &'static str, server: &'static str, manual: bool) {
        table.insert(id.to_owned(), Backup { id, server, manual });
    }

    fn ids_of(table: &BackupTable<Backup>, server: &str) -> Vec<&'static str> {
        table.of_server(server).map(|b| b.id).collect()
    }

    #[test]
    fn each_server_reads_its_own_backups_and_the_index_follows_removals() {
        let mut table = BackupTable::default();
        put(&mut table, "a-1", "a", true);
        put(&mut table, "a-b-1", "a-b", false);
        put(&mut table, "a-2", "a", false);
        put(&mut table, "c-1", "c", true);
        assert_eq!(ids_of(&table, "a"), ["a-1", "a-2"]);
        assert_eq!(ids_of(&table, "a-b"), ["a-b-1"]);
        assert_eq!(table.manual(), 2);
        assert!(table.remove("a-1").is_some());
        assert!(table.remove("a-1").is_none());
        assert_eq!(ids_of(&table, "a"), ["a-2"]);
        assert_eq!(table.manual(), 1);
        table.remove("c-1");
        assert!(
            !table.any_of_server("c"),
            "an emptied server leaves no entry"
        );
        assert!(ids_of(&table, "c").is_empty());
        assert_eq!(table.manual(), 0);
    }

    #[test]
    fn replacing_a_backup_moves_it_and_keeps_the_count() {
        let mut table = BackupTable::default();
        put(&mut table, "x-1", "x", true);
        assert!(
            table
                .insert(
                    "x-1".into(),
                    Backup {
                        id: "x-1",
                        server: "y",
                        manual: true
                    }
                )
                .is_some()
        );
        assert!(ids_of(&table, "x").is_empty());
        assert_eq!(ids_of(&table, "y"), ["x-1"]);
        assert_eq!(table.manual(), 1);
        assert_eq!(table.keys().count(), 1);
    }
}
