//! Resource policies (`ResourcePolicy`): the JSON policy document that
//! PutResourcePolicy attaches to a backup to share it with other accounts.

use crate::validation::{ValidationError, check_length, string_newtype};

fn check_policy(s: &str) -> Result<(), ValidationError> {
    check_length(s, 1, ResourcePolicy::MAX_LENGTH)
}

string_newtype!(
    /// `ResourcePolicy`: a policy document of 1-20000 characters.
    ///
    /// The model constrains only the length; [`ResourcePolicy::check_document`]
    /// checks that it is a policy document the service can store.
    ResourcePolicy,
    check_policy
);

/// Why a policy is not a policy document, in the service's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyDocumentError {
    /// The text is not JSON.
    NotJson(String),
    /// The JSON is not an object.
    NotAnObject,
    /// There is no `Statement`, or it is empty.
    NoStatement,
    /// A statement is not an object.
    StatementNotAnObject,
    /// A statement's `Effect` is neither `Allow` nor `Deny`.
    BadEffect,
}

impl std::fmt::Display for PolicyDocumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotJson(reason) => write!(
                f,
                "Invalid policy: the policy is not valid JSON ({reason})."
            ),
            Self::NotAnObject => f.write_str("Invalid policy: the policy must be a JSON object."),
            Self::NoStatement => {
                f.write_str("Invalid policy: the policy must contain at least one Statement.")
            }
            Self::StatementNotAnObject => {
                f.write_str("Invalid policy: each Statement must be a JSON object.")
            }
            Self::BadEffect => {
                f.write_str("Invalid policy: each Statement must have an Effect of Allow or Deny.")
            }
        }
    }
}

impl std::error::Error for PolicyDocumentError {}

impl ResourcePolicy {
    /// Longest policy, in UTF-16 code units.
    pub const MAX_LENGTH: usize = 20_000;

    /// Checks that the policy is an IAM-style policy document: a JSON object
    /// whose `Statement` is one statement object or a non-empty list of
    /// them, each with an `Effect` of `Allow` or `Deny`.
    ///
    /// # Errors
    /// The first problem found.
    pub fn check_document(&self) -> Result<(), PolicyDocumentError> {
        let document: serde_json::Value = serde_json::from_str(self.as_str()).map_err(|err| {
            PolicyDocumentError::NotJson(format!("line {}, column {}", err.line(), err.column()))
        })?;
        let object = document
            .as_object()
            .ok_or(PolicyDocumentError::NotAnObject)?;
        let statements: Vec<&serde_json::Value> = match object.get("Statement") {
            Some(serde_json::Value::Array(list)) => list.iter().collect(),
            Some(one) => vec![one],
            None => Vec::new(),
        };
        if statements.is_empty() {
            return Err(PolicyDocumentError::NoStatement);
        }
        for statement in statements {
            let statement = statement
                .as_object()
                .ok_or(PolicyDocumentError::StatementNotAnObject)?;
            match statement.get("Effect").and_then(serde_json::Value::as_str) {
                Some("Allow" | "Deny") => {}
                _ => return Err(PolicyDocumentError::BadEffect),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHARE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["cloudhsm:CreateCluster","cloudhsm:DescribeBackups"],"Resource":"arn:aws:cloudhsm:us-east-1:123456789012:backup/backup-ro5c4er4aac"}]}"#;

    #[test]
    fn length_is_the_model_constraint() {
        assert!(ResourcePolicy::parse(SHARE).is_ok());
        assert_eq!(
            ResourcePolicy::parse("").unwrap_err().constraint(),
            "Member must have length greater than or equal to 1"
        );
        assert!(ResourcePolicy::parse("x".repeat(20_000)).is_ok());
        assert_eq!(
            ResourcePolicy::parse("x".repeat(20_001))
                .unwrap_err()
                .constraint(),
            "Member must have length less than or equal to 20000"
        );
    }

    #[test]
    fn documents() {
        assert_eq!(
            ResourcePolicy::parse(SHARE).unwrap().check_document(),
            Ok(())
        );
        let single = r#"{"Statement":{"Effect":"Deny","Action":"*","Principal":"*"}}"#;
        assert_eq!(
            ResourcePolicy::parse(single).unwrap().check_document(),
            Ok(())
        );
        for (text, expected) in [
            (
                "{not json",
                PolicyDocumentError::NotJson("line 1, column 2".into()),
            ),
            (r#"["Statement"]"#, PolicyDocumentError::NotAnObject),
            (
                r#"{"Version":"2012-10-17"}"#,
                PolicyDocumentError::NoStatement,
            ),
            (r#"{"Statement":[]}"#, PolicyDocumentError::NoStatement),
            (
                r#"{"Statement":["Allow"]}"#,
                PolicyDocumentError::StatementNotAnObject,
            ),
            (
                r#"{"Statement":[{"Effect":"allow"}]}"#,
                PolicyDocumentError::BadEffect,
            ),
            (
                r#"{"Statement":[{"Action":"*"}]}"#,
                PolicyDocumentError::BadEffect,
            ),
        ] {
            let policy = ResourcePolicy::parse(text).unwrap();
            assert_eq!(policy.check_document(), Err(expected), "{text}");
        }
        assert_eq!(
            PolicyDocumentError::NotJson("line 1, column 2".into()).to_string(),
            "Invalid policy: the policy is not valid JSON (line 1, column 2)."
        );
    }
}
