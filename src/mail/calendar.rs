//! Calendar invites (RFC 5545 iCalendar): one VEVENT per interview, with a
//! UID that stays and a SEQUENCE that grows with every change, so a calendar
//! updates (or, with METHOD:CANCEL, removes) the event it already holds.
//! Times are UTC ("Z"): every client shows them in its own zone.

use time::PrimitiveDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
}

#[derive(Debug, Clone)]
pub struct Invite {
    /// Stable per interview: `interview-42@jobs.example`.
    pub uid: String,
    pub sequence: i32,
    pub method: Method,
    pub starts_at: PrimitiveDateTime,
    pub minutes: i32,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub organizer: (String, String),
    /// (name, e-mail) of each participant.
    pub attendees: Vec<(String, String)>,
    /// When the invite was made (DTSTAMP).
    pub stamp: PrimitiveDateTime,
}

fn utc(at: PrimitiveDateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// A TEXT value: backslash, semicolon, comma and line breaks escaped (§3.3.11).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (a CN): quoted, without the characters it cannot hold.
fn param(value: &str) -> String {
    format!("\"{}\"", value.chars().filter(|c| *c != '"' && !c.is_control()).collect::<String>())
}

/// One content line, folded at 75 octets (§3.1) without splitting a character.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

pub fn ics(invite: &Invite) -> String {
    let mut out = String::new();
    let (method, status) = match invite.method {
        Method::Request => ("REQUEST", "CONFIRMED"),
        Method::Cancel => ("CANCEL", "CANCELLED"),
    };
    let end = invite.starts_at + time::Duration::minutes(i64::from(invite.minutes));
    for l in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//JobConnect//Interviews//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        format!("METHOD:{method}"),
        "BEGIN:VEVENT".into(),
        format!("UID:{}", text(&invite.uid)),
        format!("SEQUENCE:{}", invite.sequence),
        format!("DTSTAMP:{}", utc(invite.stamp)),
        format!("DTSTART:{}", utc(invite.starts_at)),
        format!("DTEND:{}", utc(end)),
        format!("SUMMARY:{}", text(&invite.summary)),
        format!("LOCATION:{}", text(&invite.location)),
        format!("DESCRIPTION:{}", text(&invite.description)),
        format!("STATUS:{status}"),
        format!("ORGANIZER;CN={}:mailto:{}", param(&invite.organizer.0), invite.organizer.1),
    ] {
        line(&mut out, &l);
    }
    for (name, email) in &invite.attendees {
        line(&mut out, &format!("ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:{email}", param(name)));
    }
    for l in ["END:VEVENT", "END:VCALENDAR"] {
        line(&mut out, l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> PrimitiveDateTime {
        let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
        PrimitiveDateTime::parse(s, format).unwrap()
    }

    #[test]
    fn invites_follow_rfc_5545() {
        let invite = Invite {
            uid: "interview-7@jobs.example".into(),
            sequence: 2,
            method: Method::Request,
            starts_at: at("2026-12-10 13:30"),
            minutes: 45,
            summary: "Interview: Rust Engineer at Acme, Inc; Berlin".into(),
            location: "Room 4\nSecond floor".into(),
            description: "x".repeat(100),
            organizer: ("Acme \"Jobs\"".into(), "jobs@acme.example".into()),
            attendees: vec![("Ann Lee".into(), "ann@example.com".into())],
            stamp: at("2026-12-06 07:00"),
        };
        let ics = ics(&invite);
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("\r\nMETHOD:REQUEST\r\n"));
        assert!(ics.contains("\r\nDTSTART:20261210T133000Z\r\nDTEND:20261210T141500Z\r\n"));
        assert!(ics.contains("\r\nSUMMARY:Interview: Rust Engineer at Acme\\, Inc\\; Berlin\r\n"));
        assert!(ics.contains("\r\nLOCATION:Room 4\\nSecond floor\r\n"));
        assert!(ics.contains("ORGANIZER;CN=\"Acme Jobs\":mailto:jobs@acme.example"));
        assert!(ics.split("\r\n").all(|l| l.len() <= 75), "folded");
        assert!(ics.contains("\r\n x"), "a long line continues with a space");
        let cancel = super::ics(&Invite { method: Method::Cancel, sequence: 3, ..invite });
        assert!(cancel.contains("\r\nMETHOD:CANCEL\r\n") && cancel.contains("\r\nSTATUS:CANCELLED\r\n"));
    }
}
