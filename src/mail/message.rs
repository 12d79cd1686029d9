//! Turns an outbox row into a MIME message, refusing any value that could
//! add a header.

use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use crate::db::outbox::OutboxRow;

/// True when a value may go into a header: no CR, LF or other control character.
pub fn header_safe(value: &str) -> bool {
    !value.chars().any(char::is_control)
}

/// Builds the message of a row. An `Err` is permanent: the row can never be
/// sent as it is (a line break in a header, an address that is not one).
pub fn build(row: &OutboxRow, from: &Mailbox) -> Result<Message, String> {
    for (what, value) in [
        ("recipient", row.recipient.as_str()),
        ("recipient name", row.recipient_name.as_str()),
        ("subject", row.subject.as_str()),
        ("sender name", row.from_name.as_deref().unwrap_or("")),
        ("reply-to address", row.reply_to.as_deref().unwrap_or("")),
    ] {
        if !header_safe(value) {
            return Err(format!("refused: the {what} holds a line break or control character"));
        }
    }
    let to_address = row.recipient.trim().parse().map_err(|e| format!("refused: bad recipient address: {e}"))?;
    let to_name = Some(row.recipient_name.trim().to_string()).filter(|n| !n.is_empty());
    let mut sender = from.clone();
    if let Some(name) = row.from_name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        sender.name = Some(name.to_string());
    }
    let mut builder = Message::builder()
        .from(sender)
        .to(Mailbox::new(to_name, to_address))
        .subject(row.subject.clone())
        .date_now()
        .message_id(Some(message_id(row, from)))
        .user_agent("JobConnect".into());
    if let Some(reply_to) = row.reply_to.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        let address = reply_to.parse().map_err(|e| format!("refused: bad reply-to address: {e}"))?;
        builder = builder.reply_to(Mailbox::new(None, address));
    }
    let built = match (&row.body_html, &row.calendar) {
        (Some(html), None) => builder.multipart(MultiPart::alternative_plain_html(row.body_text.clone(), html.clone())),
        (None, None) => builder.header(ContentType::TEXT_PLAIN).body(row.body_text.clone()),
        // The text, and the invite both as a calendar part (clients that
        // understand it offer to accept) and as an attachment to open.
        (html, Some(ics)) => {
            let method = if ics.contains("\r\nMETHOD:CANCEL\r\n") { "CANCEL" } else { "REQUEST" };
            let calendar_type = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                .map_err(|e| format!("refused: {e}"))?;
            let mut body = MultiPart::alternative().singlepart(SinglePart::plain(row.body_text.clone()));
            if let Some(html) = html {
                body = body.singlepart(SinglePart::html(html.clone()));
            }
            body = body.singlepart(SinglePart::builder().header(calendar_type.clone()).body(ics.clone()));
            let file = Attachment::new("invite.ics".into()).body(ics.clone(), calendar_type);
            builder.multipart(MultiPart::mixed().multipart(body).singlepart(file))
        }
    };
    built.map_err(|e| format!("refused: {e}"))
}

/// The same Message-ID on every attempt of a row, so a receiving server (or a
/// person) can tell a repeat from a second e-mail.
fn message_id(row: &OutboxRow, from: &Mailbox) -> String {
    let created = row.created_at.assume_utc().unix_timestamp_nanos() / 1000;
    format!("<jobconnect.{}.{}@{}>", row.id, created, from.email.domain())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::outbox::MailState;

    fn row(subject: &str, name: &str, to: &str) -> OutboxRow {
        OutboxRow {
            id: 7,
            recipient: to.into(),
            recipient_name: name.into(),
            subject: subject.into(),
            body_text: "Hello\nthere".into(),
            body_html: None,
            state: MailState::Sending,
            attempts: 1,
            next_attempt_at: crate::db::now(),
            locked_until: None,
            last_error: None,
            applicant_id: None,
            created_at: crate::db::now(),
            sent_at: None,
            calendar: None,
            from_name: Some("Acme".into()),
            reply_to: Some("boss@acme.example".into()),
            link_kind: None,
            link_user_id: None,
            about_applicant_id: None,
        }
    }

    fn from() -> Mailbox {
        "JobConnect <no-reply@jobconnect.test>".parse().unwrap()
    }

    #[test]
    fn a_clean_row_becomes_a_message_with_its_headers() {
        let message = build(&row("Interview", "Ann Lee", "ann@example.com"), &from()).unwrap();
        let text = String::from_utf8(message.formatted()).unwrap();
        assert!(text.contains("To: \"Ann Lee\" <ann@example.com>"), "{text}");
        assert!(text.contains("From: Acme <no-reply@jobconnect.test>"), "{text}");
        assert!(text.contains("Reply-To: boss@acme.example"), "{text}");
        assert!(text.contains("Subject: Interview"), "{text}");
        assert!(text.contains("Message-ID: <jobconnect.7."), "{text}");
    }

    #[test]
    fn line_breaks_in_headers_are_refused() {
        for bad in [
            row("Hi\r\nBcc: victim@example.com", "Ann", "ann@example.com"),
            row("Hi", "Ann\nBcc: x@example.com", "ann@example.com"),
            row("Hi", "Ann", "ann@example.com\r\nBcc: x@example.com"),
        ] {
            let err = build(&bad, &from()).unwrap_err();
            assert!(err.starts_with("refused"), "{err}");
        }
        assert!(build(&row("Hi", "Ann", "not an address"), &from()).is_err());
    }
}
