//! Display formats shared by the pages: times, optional values, lists,
//! numbers (and reading numbers back from a field).

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

/// A number as Rust's `Display` writes it: shortest round-trip digits, never
/// an exponent (`60`, `0.5`, `-0`, `1000000000000000000000`, `inf`, `NaN`).
///
/// In the browser the digits come from JavaScript's `Number#toString` (the
/// same shortest round-trip digits), rewritten without its exponent: core's
/// float printer is large in the WASM.
pub fn number(x: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        if x.is_nan() {
            return "NaN".to_owned();
        }
        let sign = if x.is_sign_negative() { "-" } else { "" };
        if x.is_infinite() {
            return format!("{sign}inf");
        }
        let digits: String = js_sys::Number::from(x.abs())
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default();
        format!("{sign}{}", without_exponent(&digits))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        x.to_string()
    }
}

/// `1.5e+21` → `1500000000000000000000`, `1e-7` → `0.0000001`; other text as is.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn without_exponent(text: &str) -> String {
    let Some((mantissa, exponent)) = text.split_once('e') else {
        return text.to_owned();
    };
    let Ok(exponent) = exponent.parse::<i32>() else {
        return text.to_owned();
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    // Position of the decimal point within `digits`.
    let point = i32::try_from(whole.len()).unwrap_or(i32::MAX) + exponent;
    let len = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else if point >= len {
        format!("{digits}{}", "0".repeat((point - len) as usize))
    } else {
        let (int, frac) = digits.split_at(point as usize);
        format!("{int}.{frac}")
    }
}

/// Reads a number as `str::parse::<f64>` does: the same texts are accepted
/// (an optional sign, then decimal digits with an optional point and
/// exponent, or `inf`, `infinity`, `nan` in any case) and give the same value.
///
/// In the browser the value comes from JavaScript's `parseFloat` (correctly
/// rounded too) once the text is known to be one Rust accepts: core's float
/// parser and its tables are large in the WASM.
pub fn parse_number(text: &str) -> Option<f64> {
    #[cfg(target_arch = "wasm32")]
    {
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let magnitude =
            if unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity") {
                f64::INFINITY
            } else if unsigned.eq_ignore_ascii_case("nan") {
                f64::NAN
            } else if is_decimal(unsigned) {
                js_sys::parse_float(unsigned)
            } else {
                return None;
            };
        Some(if negative { -magnitude } else { magnitude })
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        text.parse().ok()
    }
}

/// True for `digits[.digits][e[sign]digits]` with a digit before or after the
/// point (the unsigned numbers of `str::parse::<f64>`; `E` too).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn is_decimal(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok =
        digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|exponent| {
        let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        !unsigned.is_empty() && digits(unsigned)
    });
    mantissa_ok && exponent_ok
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

    #[test]
    fn numbers_read_as_display_writes_them() {
        for x in [
            60.0,
            0.5,
            1.0 / 3.0,
            -0.0,
            1e21,
            1.5e-7,
            -2.5e22,
            1e-6,
            123.456,
        ] {
            assert_eq!(number(x), x.to_string());
        }
        // The browser's exponent forms, as Display would write the same values.
        for (js, x) in [
            ("1e+21", 1e21),
            ("1.5e+21", 1.5e21),
            ("1.2345e+25", 1.2345e25),
            ("1e-7", 1e-7),
            ("1.5e-7", 1.5e-7),
            ("2.5e-10", 2.5e-10),
            ("5e-324", 5e-324),
            ("1.7976931348623157e+308", f64::MAX),
        ] {
            assert_eq!(without_exponent(js), x.to_string(), "{js}");
        }
        assert_eq!(without_exponent("0.000001"), "0.000001");
        assert_eq!(without_exponent("60"), "60");
    }

    #[test]
    fn decimals_are_the_numbers_rust_parses() {
        for text in [
            "60",
            "0.5",
            "1.",
            ".5",
            "007",
            "1e5",
            "1E5",
            "1e+5",
            "2.5e-3",
            ".5e1",
            "1.e2",
            "12345678901234567890",
            "1e400",
        ] {
            assert!(is_decimal(text), "{text}");
            assert!(text.parse::<f64>().is_ok(), "{text}");
        }
        for text in [
            "", ".", "e5", ".e5", "1e", "1e+", "1e-", "1.2.3", "1e5.0", "0x10", "1_000", " 1",
            "1 ", "1,5", "+", "-", "++1", "1e++5", "abc", "1f", "٣",
        ] {
            assert!(!is_decimal(text), "{text}");
            assert!(text.parse::<f64>().is_err(), "{text}");
        }
        assert_eq!(parse_number("-0.25"), Some(-0.25));
        assert_eq!(parse_number("Infinity"), Some(f64::INFINITY));
        assert_eq!(parse_number("soon"), None);
    }
}
