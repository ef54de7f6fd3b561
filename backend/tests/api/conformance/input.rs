//! Reading a case's JSON input member by member for an SDK builder; a
//! member the dispatcher does not map fails the case instead of vanishing.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

/// A request's members, each read at most once.
pub(crate) struct Input<'a> {
    value: &'a Value,
    read: RefCell<BTreeSet<String>>,
}

impl<'a> Input<'a> {
    pub(crate) fn new(value: &'a Value) -> Self {
        Self {
            value,
            read: RefCell::default(),
        }
    }

    fn member(&self, name: &str) -> Option<&'a Value> {
        self.read.borrow_mut().insert(name.to_owned());
        self.value.get(name).filter(|v| !v.is_null())
    }

    /// A string member.
    pub(crate) fn string(&self, name: &str) -> Option<String> {
        self.member(name).map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("{name} is not a string"))
                .to_owned()
        })
    }

    /// A boolean member.
    pub(crate) fn boolean(&self, name: &str) -> Option<bool> {
        self.member(name).map(|v| {
            v.as_bool()
                .unwrap_or_else(|| panic!("{name} is not a bool"))
        })
    }

    /// An integer member.
    pub(crate) fn int(&self, name: &str) -> Option<i32> {
        self.member(name).map(|v| {
            v.as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .unwrap_or_else(|| panic!("{name} is not an integer"))
        })
    }

    /// A list of strings.
    pub(crate) fn strings(&self, name: &str) -> Option<Vec<String>> {
        self.list(name, |v| v.as_str().unwrap_or_default().to_owned())
    }

    /// A list of structures, each built by `item`.
    pub(crate) fn list<T>(&self, name: &str, item: impl Fn(&Value) -> T) -> Option<Vec<T>> {
        self.member(name).map(|v| {
            v.as_array()
                .unwrap_or_else(|| panic!("{name} is not a list"))
                .iter()
                .map(item)
                .collect()
        })
    }

    /// A map of string lists (CloudHSM's `Filters`).
    pub(crate) fn filters(&self, name: &str) -> Option<HashMap<String, Vec<String>>> {
        self.member(name).map(|v| {
            v.as_object()
                .unwrap_or_else(|| panic!("{name} is not a map"))
                .iter()
                .map(|(k, list)| {
                    let values = list.as_array().into_iter().flatten();
                    let values = values.filter_map(Value::as_str).map(str::to_owned);
                    (k.clone(), values.collect())
                })
                .collect()
        })
    }

    /// A nested structure.
    pub(crate) fn structure(&self, name: &str) -> Option<Input<'a>> {
        self.member(name).map(Input::new)
    }

    /// Panics on a member no reader asked for: the dispatcher must map it.
    pub(crate) fn finish(&self) {
        let read = self.read.borrow();
        let unmapped: Vec<&String> = self
            .value
            .as_object()
            .into_iter()
            .flat_map(|m| m.keys())
            .filter(|k| !read.contains(*k))
            .collect();
        assert!(unmapped.is_empty(), "members not mapped: {unmapped:?}");
    }
}

/// `field` of a JSON structure as a string.
pub(crate) fn text(v: &Value, field: &str) -> Option<String> {
    v.get(field).and_then(Value::as_str).map(str::to_owned)
}
