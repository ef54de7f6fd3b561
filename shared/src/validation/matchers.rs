//! Character classes of Java regular expressions, matched by hand.

/// Java `\s`: `[ \t\n\x0B\f\r]`.
pub(crate) fn is_java_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

/// Characters that Java's `.` (without DOTALL) does not match.
pub(crate) fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Java `.*`: any string without line terminators.
pub(crate) fn is_single_line(s: &str) -> bool {
    !s.chars().any(is_line_terminator)
}

/// Unicode `\p{Z}`: space, line and paragraph separators.
pub(crate) fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// `[0-9]{n}` for the whole of `s`.
pub(crate) fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_java_space('\u{b}'));
        assert!(!is_java_space('\u{a0}'));
        assert!(is_separator('\u{3000}'));
        assert!(!is_separator('\t'));
        assert!(is_single_line("a b\tc"));
        assert!(!is_single_line("a\u{2028}b"));
        assert!(is_digits("123456789012", 12));
        assert!(!is_digits("12345678901a", 12));
    }
}
