//! Text people type with line breaks (descriptions, notes, messages, cover
//! letters, comments): one rule for every such field.

/// What a text holding another control character is told.
pub const UNSHOWABLE: &str = "This text contains characters that cannot be shown.";

/// Text with line breaks as typed: `\r\n` and a lone `\r` become `\n` and
/// the ends are trimmed. Line breaks and tabs are text; any other control
/// character (NUL, which PostgreSQL cannot store; escape sequences) is
/// refused with `UNSHOWABLE`.
pub fn multiline(raw: &str) -> Result<String, String> {
    let value = raw.replace("\r\n", "\n").replace('\r', "\n");
    let value = value.trim();
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(UNSHOWABLE.into());
    }
    Ok(value.to_string())
}

/// `multiline`, between `min` and `max` characters (a `min` of 0: optional).
pub fn multiline_within(raw: &str, min: usize, max: usize) -> Result<String, String> {
    let value = multiline(raw)?;
    let len = value.chars().count();
    if len < min {
        return Err(if len == 0 {
            "This field is required.".into()
        } else {
            format!("Write at least {min} characters.")
        });
    }
    if len > max {
        return Err(format!("Use at most {max} characters (this has {len})."));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_are_one_kind_and_control_characters_are_refused() {
        assert_eq!(multiline("  one\r\ntwo\rthree\n\tfour  ").unwrap(), "one\ntwo\nthree\n\tfour");
        for bad in ["nul\0", "escape \u{1b}[31m", "bell\u{7}"] {
            assert_eq!(multiline(bad).unwrap_err(), UNSHOWABLE, "{bad:?}");
        }
        assert_eq!(multiline_within(" \r\n ", 0, 10).unwrap(), "");
        assert!(multiline_within("", 1, 10).unwrap_err().contains("required"));
        assert!(multiline_within("abc", 5, 10).unwrap_err().contains("at least 5"));
        assert!(multiline_within("a\r\nb", 1, 3).is_ok(), "a line break counts once");
        assert!(multiline_within("abcd", 1, 3).unwrap_err().contains("at most 3"));
    }
}
