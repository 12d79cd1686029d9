//! E-mails written by people: plain text with placeholders, filled by plain
//! substitution. No template engine ever sees user text, so nothing in it runs.

use diesel::QueryResult;

use crate::db::outbox::{self, OutgoingEmail, Recipient, Sender};
use crate::db::{AnyConnection, applicants};

/// The placeholders a user may write, each as `{{name}}` (spaces inside allowed).
pub const PLACEHOLDERS: [&str; 3] = ["name", "job", "company"];

/// The values of the placeholders for one recipient.
#[derive(Debug, Clone, Copy)]
pub struct Placeholders<'a> {
    pub name: &'a str,
    pub job: &'a str,
    pub company: &'a str,
}

impl<'a> Placeholders<'a> {
    /// The values for an applicant written to.
    pub fn of(r: &'a Recipient) -> Placeholders<'a> {
        Placeholders { name: &r.name, job: if r.job.is_empty() { "the position" } else { &r.job }, company: &r.company }
    }

    fn value(&self, key: &str) -> Option<&str> {
        match key {
            "name" => Some(self.name),
            "job" => Some(self.job),
            "company" => Some(self.company),
            _ => None,
        }
    }
}

/// Queues a written e-mail (placeholders not yet filled) to each recipient,
/// from their company with replies to the writer, and writes it on each
/// applicant's timeline. Runs in the caller's transaction.
pub fn queue_written(
    c: &mut AnyConnection,
    recipients: &[Recipient],
    subject: &str,
    body: &str,
    writer_id: i64,
    reply_to: &str,
) -> QueryResult<()> {
    for r in recipients {
        let values = Placeholders::of(r);
        let email = OutgoingEmail {
            to: r.email.trim().to_string(),
            to_name: r.name.clone(),
            text: fill(body, &values),
            subject: fill(subject, &values),
            html: None,
            applicant_id: Some(r.id),
            about_applicant_id: None,
        };
        let sender = Sender { name: Some(&r.company), reply_to: Some(reply_to) };
        let outbox_id = outbox::enqueue_from(c, &email, &sender)?;
        applicants::record_event(c, r.id, Some(writer_id), "email", &email.subject, Some(outbox_id))?;
    }
    Ok(())
}

/// Splits `text` into literal pieces and `{{ … }}` placeholders (their inner text).
fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else { break };
        let inner = &rest[open + 2..open + 2 + close];
        if inner.contains("{{") || inner.contains('\n') {
            // "{{ {{name}}": the first braces are text.
            out.push(Piece::Text(&rest[..open + 2]));
            rest = &rest[open + 2..];
            continue;
        }
        out.push(Piece::Text(&rest[..open]));
        out.push(Piece::Placeholder { raw: &rest[open..open + 4 + close], key: inner.trim() });
        rest = &rest[open + 4 + close..];
    }
    out.push(Piece::Text(rest));
    out
}

enum Piece<'a> {
    Text(&'a str),
    Placeholder { raw: &'a str, key: &'a str },
}

/// The placeholders in `text` that are not known, as written (`{{salary}}`).
pub fn unknown_placeholders(text: &str) -> Vec<String> {
    pieces(text)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Placeholder { raw, key } if !PLACEHOLDERS.contains(&key) => Some(raw.to_string()),
            _ => None,
        })
        .collect()
}

/// Replaces every known placeholder with its value, in one pass: a value that
/// itself looks like `{{job}}` stays as it is.
pub fn fill(text: &str, values: &Placeholders) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for piece in pieces(text) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Placeholder { raw, key } => out.push_str(values.value(key).unwrap_or(raw)),
        }
    }
    out
}

/// Line endings as one `\n`, so a browser's `\r\n` never reaches a header
/// check or doubles the blank lines of a body.
pub fn normalise_body(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANN: Placeholders = Placeholders { name: "Ann Lee", job: "Rust Engineer", company: "Acme" };

    #[test]
    fn placeholders_are_filled_with_or_without_spaces() {
        assert_eq!(
            fill("Dear {{name}}, about {{ job }} at {{company}}.", &ANN),
            "Dear Ann Lee, about Rust Engineer at Acme."
        );
    }

    #[test]
    fn unknown_placeholders_are_reported_and_left_alone() {
        let text = "Hi {{name}}, {{salary}} and {{ bonus }}";
        assert_eq!(unknown_placeholders(text), ["{{salary}}", "{{ bonus }}"]);
        assert_eq!(fill(text, &ANN), "Hi Ann Lee, {{salary}} and {{ bonus }}");
    }

    #[test]
    fn values_are_not_filled_again_and_nothing_is_evaluated() {
        let sneaky = Placeholders { name: "{{company}}", job: "{% if true %}x{% endif %}", company: "Acme" };
        assert_eq!(fill("{{name}} / {{job}}", &sneaky), "{{company}} / {% if true %}x{% endif %}");
        assert_eq!(fill("{{ 7*7 }} {{name.__class__}}", &ANN), "{{ 7*7 }} {{name.__class__}}");
    }

    #[test]
    fn stray_braces_stay_text() {
        assert_eq!(fill("{{ {{name}} }} {{", &ANN), "{{ Ann Lee }} {{");
        assert_eq!(fill("no close {{name", &ANN), "no close {{name");
        assert!(unknown_placeholders("{{ {{name}}").is_empty());
    }

    #[test]
    fn line_endings_are_normalised() {
        assert_eq!(normalise_body("a\r\nb\rc\n\n"), "a\nb\nc");
    }
}
