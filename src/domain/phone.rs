//! Phone numbers, as people write them: the one rule for every form.

/// A phone number: digits with spaces and `+ - ( ) . , /` (and `x` before an
/// extension), 5 to 20 digits, at most 40 characters; runs of spaces become
/// one. Empty is allowed (no number). `db::applicants::duplicates` keys a
/// number by these characters.
pub fn parse(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value.chars().all(|c| c.is_ascii_digit() || " +-().,/x".contains(c));
    if !allowed || !(5..=20).contains(&digits) || value.chars().count() > 40 {
        return Err("Enter a phone number with digits, spaces, +, - and parentheses, like +49 30 1234567.".into());
    }
    Ok(value.split(' ').filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn phone_numbers_as_people_write_them() {
        assert_eq!(parse("  +49 (30)  123-4567 ").unwrap(), "+49 (30) 123-4567");
        assert_eq!(parse("+1 555 123 4567 x89").unwrap(), "+1 555 123 4567 x89");
        assert_eq!(parse("030/123.45,67").unwrap(), "030/123.45,67");
        assert_eq!(parse("").unwrap(), "");
        for bad in ["call me", "12", "1234", "=1+2", "+49 30 1234<script>", "1234567\n89", "123456789012345678901"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse(&format!("1{}2345", " ".repeat(40))).is_err(), "at most 40 characters");
    }
}
