//! Account fields: each `parse` returns the normalised value or a message for the form.

/// An e-mail address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err("Enter your e-mail address.");
        }
        if value.len() > 254 {
            return Err("That e-mail address is too long.");
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err("Enter an e-mail address like name@example.com.");
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local.chars().all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        if !domain_ok || !local_ok {
            return Err("Enter an e-mail address like name@example.com.");
        }
        Ok(Email(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A user name: 3 to 32 letters, digits, `_`, `-` or `.`; never contains `@`,
/// so a log-in value is unambiguously an e-mail or a user name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Username, &'static str> {
        let value = raw.trim();
        if value.chars().count() < 3 {
            return Err("Choose a user name of at least 3 characters.");
        }
        if value.chars().count() > 32 {
            return Err("A user name has at most 32 characters.");
        }
        if !value.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)) {
            return Err("Use only letters, digits, '_', '-' and '.' in a user name.");
        }
        Ok(Username(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: long enough to resist guessing, short enough for bcrypt.
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    /// bcrypt reads 72 bytes; refuse more rather than silently ignore the rest.
    pub const MAX_BYTES: usize = 72;

    pub fn parse(raw: &str) -> Result<Password, &'static str> {
        if raw.chars().count() < Self::MIN_CHARS {
            return Err("Use at least 10 characters for your password.");
        }
        if raw.len() > Self::MAX_BYTES {
            return Err("A password has at most 72 bytes.");
        }
        if raw.chars().any(|c| c.is_control()) {
            return Err("A password cannot contain control characters.");
        }
        Ok(Password(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A short single-line text (names, titles): trimmed, no control characters,
/// between `min` and `max` characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayText(String);

impl DisplayText {
    /// A person's full name: 2 to 100 characters, "Enter your full name." when empty.
    pub fn full_name(raw: &str) -> Result<DisplayText, String> {
        if raw.trim().is_empty() {
            return Err("Enter your full name.".into());
        }
        DisplayText::parse(raw, 2, 100).map_err(|e| format!("Your name: {e}"))
    }

    pub fn parse(raw: &str, min: usize, max: usize) -> Result<DisplayText, String> {
        let value = raw.trim();
        let len = value.chars().count();
        if len < min {
            return Err(if min <= 1 {
                "This field is required.".into()
            } else {
                format!("Use at least {min} characters.")
            });
        }
        if len > max {
            return Err(format!("Use at most {max} characters."));
        }
        if value.chars().any(|c| c.is_control()) {
            return Err("Line breaks and control characters are not allowed here.".into());
        }
        Ok(DisplayText(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(Email::parse("  Ann@Example.COM ").unwrap().as_str(), "ann@example.com");
        for bad in ["", "ann", "ann@", "@x.com", "ann@x", "a b@x.com", "ann@x..com\r\nBcc: y"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn username_rejects_at_sign_and_odd_characters() {
        assert!(Username::parse("ann_lee-1.x").is_ok());
        for bad in ["ab", "ann@x", "ann lee", "<script>", &"a".repeat(33)] {
            assert!(Username::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn password_bounds() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse(&"x".repeat(73)).is_err());
        assert!(Password::parse("correct horse battery").is_ok());
    }

    #[test]
    fn display_text_refuses_control_characters() {
        assert!(DisplayText::parse("Acme\nBcc: x", 1, 100).is_err());
        assert_eq!(DisplayText::parse("  Acme  ", 1, 100).unwrap().as_str(), "Acme");
        assert!(DisplayText::parse("", 1, 100).is_err());
    }
}
