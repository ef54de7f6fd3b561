//! Display formats shared by the pages: times, optional values, lists.

use chrono::{DateTime, Datelike, Timelike, Utc};

/// `2026-11-24 15:47:44 UTC`, or `-`.
///
/// Built by hand: chrono's `format` brings its strftime machinery into the WASM.
pub fn time(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(
        || "-".to_owned(),
        |at| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
                at.year(),
                at.month(),
                at.day(),
                at.hour(),
                at.minute(),
                at.second()
            )
        },
    )
}

/// The value, or `-` when absent or empty.
pub fn or_dash(value: Option<&str>) -> String {
    match value {
        Some(v) if !v.is_empty() => v.to_owned(),
        _ => "-".to_owned(),
    }
}

/// Comma-separated list, or `-`.
pub fn list(values: &[String]) -> String {
    if values.is_empty() {
        "-".to_owned()
    } else {
        values.join(", ")
    }
}

/// Splits a comma- or whitespace-separated field into its non-empty items.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', ' ', '\n', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formats() {
        assert_eq!(time(None), "-");
        assert_eq!(
            time(Some(Utc.timestamp_opt(0, 0).unwrap())),
            "1970-01-01 00:00:00 UTC"
        );
        assert_eq!(or_dash(Some("")), "-");
        assert_eq!(list(&["a".into(), "b".into()]), "a, b");
        assert_eq!(split_list(" sg-1, sg-2 ,,sg-3"), ["sg-1", "sg-2", "sg-3"]);
    }
}
