//! OpsWorks CM's own rule for one tag (the set's rules are the shared
//! `crate::validation::check_tag_set`).

/// The longest tag key OpsWorks CM accepts once trimmed (its reference and
/// boto3 page; the model's shape allows 128).
pub const TAG_KEY_MAX: usize = 127;
/// The longest tag value OpsWorks CM accepts once trimmed (the model's shape
/// allows 256).
pub const TAG_VALUE_MAX: usize = 255;

/// OpsWorks CM's own rule for one tag: "leading and trailing white spaces
/// are trimmed" from key and value, then the key is 1-127 characters and the
/// value at most 255. The message says what is wrong, if anything.
#[must_use]
pub fn check_tag(key: &str, value: &str) -> Option<String> {
    let (key, value) = (key.trim(), value.trim());
    let key_chars = key.chars().count();
    if key_chars == 0 {
        return Some("A tag key cannot be empty or only white space.".to_owned());
    }
    if key_chars > TAG_KEY_MAX {
        return Some(format!(
            "Tag key '{key}' has {key_chars} characters once trimmed; the most is {TAG_KEY_MAX}."
        ));
    }
    let value_chars = value.chars().count();
    (value_chars > TAG_VALUE_MAX).then(|| {
        format!(
            "The value of tag '{key}' has {value_chars} characters once trimmed; the most is {TAG_VALUE_MAX}."
        )
    })
}
