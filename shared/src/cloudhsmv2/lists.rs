//! Constrained list and map members: `SubnetIds` (1-10), `TagList` (1-50),
//! `TagKeyList` (1-50) and `Filters` (at most 30 names).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use super::ids::FilterField;
use crate::validation::ValidationError;

/// A list with `MIN..=MAX` members.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct BoundedList<T, const MIN: usize, const MAX: usize>(Vec<T>);

impl<T, const MIN: usize, const MAX: usize> BoundedList<T, MIN, MAX> {
    /// Checks the length and wraps `items`.
    ///
    /// # Errors
    /// The violated length constraint.
    pub fn new(items: Vec<T>) -> Result<Self, ValidationError> {
        let n = items.len();
        let value = format!("[{n} items]");
        if n < MIN {
            return Err(ValidationError::min_length(value, MIN));
        }
        if n > MAX {
            return Err(ValidationError::max_length(value, MAX));
        }
        Ok(Self(items))
    }

    /// The members.
    #[must_use]
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// Unwraps the members.
    #[must_use]
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<T, const MIN: usize, const MAX: usize> std::ops::Deref for BoundedList<T, MIN, MAX> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'de, T: Deserialize<'de>, const MIN: usize, const MAX: usize> Deserialize<'de>
    for BoundedList<T, MIN, MAX>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<T>::deserialize(deserializer)?;
        Self::new(items).map_err(serde::de::Error::custom)
    }
}

/// `Filters`: filter names to lists of values, at most 30 names.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Filters(BTreeMap<FilterField, Vec<String>>);

impl Filters {
    /// Most filter names in one request.
    pub const MAX: usize = 30;

    /// Checks the number of names and wraps `filters`.
    ///
    /// # Errors
    /// When there are more than [`Self::MAX`] names.
    pub fn new(filters: BTreeMap<FilterField, Vec<String>>) -> Result<Self, ValidationError> {
        if filters.len() > Self::MAX {
            return Err(ValidationError::max_length(
                format!("{{{} filters}}", filters.len()),
                Self::MAX,
            ));
        }
        Ok(Self(filters))
    }

    /// The values of filter `name`, if given.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.0
            .iter()
            .find(|(k, _)| k.as_str() == name)
            .map(|(_, v)| v.as_slice())
    }

    /// Every filter name given.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(FilterField::as_str)
    }

    /// A stable text form (for pagination scopes).
    #[must_use]
    pub fn canonical(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }
}

impl<'de> Deserialize<'de> for Filters {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<FilterField, Vec<String>>::deserialize(deserializer)?;
        Self::new(map).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_lists() {
        type Subnets = BoundedList<String, 1, 2>;
        assert!(serde_json::from_str::<Subnets>(r#"["a"]"#).is_ok());
        let err = serde_json::from_str::<Subnets>("[]")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "failed to satisfy constraint: Member must have length greater than or equal to 1"
            ),
            "{err}"
        );
        let err = serde_json::from_str::<Subnets>(r#"["a","b","c"]"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("less than or equal to 2"), "{err}");
        let list = Subnets::new(vec!["x".into()]).unwrap();
        assert_eq!(serde_json::to_string(&list).unwrap(), r#"["x"]"#);
        assert_eq!(list.len(), 1);
    }

    #[test]
    fn filters() {
        let filters: Filters =
            serde_json::from_str(r#"{"clusterIds":["cluster-a"],"states":[]}"#).unwrap();
        assert_eq!(
            filters.get("clusterIds"),
            Some(&["cluster-a".to_owned()][..])
        );
        assert_eq!(filters.get("states"), Some(&[][..]));
        assert_eq!(filters.get("vpcIds"), None);
        assert_eq!(filters.names().count(), 2);
        assert!(serde_json::from_str::<Filters>(r#"{"bad.name":[]}"#).is_err());
        let many: String = (0..31)
            .map(|i| format!("\"f{i}\":[]"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(serde_json::from_str::<Filters>(&format!("{{{many}}}")).is_err());
    }
}
