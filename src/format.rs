//! How values read to people: dates, times, sizes and numbers. Used by
//! templates (`{{ crate::format::date(x) }}`), e-mails and live frames.

use time::PrimitiveDateTime;
use time::macros::format_description;

pub fn date(t: &PrimitiveDateTime) -> String {
    t.format(format_description!("[day padding:none] [month repr:short] [year]")).unwrap_or_default()
}

/// Machine-readable time for `<time datetime>`.
pub fn iso(t: &PrimitiveDateTime) -> String {
    // Whole seconds: HTML's `<time datetime>` allows at most 3 fractional digits.
    let whole = t.replace_nanosecond(0).unwrap_or(*t);
    whole.assume_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// "just now", "5 minutes ago", "3 days ago", then the date.
pub fn ago(t: &PrimitiveDateTime) -> String {
    let now = time::OffsetDateTime::now_utc();
    let secs = (PrimitiveDateTime::new(now.date(), now.time()) - *t).whole_seconds();
    match secs {
        s if s < 60 => "just now".into(),
        s if s < 3600 => plural(s / 60, "minute"),
        s if s < 86_400 => plural(s / 3600, "hour"),
        s if s < 30 * 86_400 => plural(s / 86_400, "day"),
        _ => date(t),
    }
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 { format!("1 {unit} ago") } else { format!("{n} {unit}s ago") }
}

/// 1234567 -> "1,234,567".
pub fn thousands(n: &i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if *n < 0 { format!("-{out}") } else { out }
}

/// 2_400_000 bytes -> "2.3 MB".
pub fn bytes(n: &i64) -> String {
    let n = *n as f64;
    if n < 1024.0 {
        format!("{n} B")
    } else if n < 1024.0 * 1024.0 {
        format!("{:.0} KB", n / 1024.0)
    } else {
        format!("{:.1} MB", n / (1024.0 * 1024.0))
    }
}

/// A CSV cell that a spreadsheet would run as a formula gets a leading `'`.
pub fn csv_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() }
}

/// The first `max` characters of a text on one line, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", flat[..i].trim_end()),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(super::csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::csv_cell("Ann"), "Ann");
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(&0), "0");
        assert_eq!(super::thousands(&1234567), "1,234,567");
        assert_eq!(super::thousands(&-1000), "-1,000");
    }

    #[test]
    fn excerpts_cut_on_characters() {
        assert_eq!(super::excerpt("a  b\nc", 10), "a b c");
        assert_eq!(super::excerpt("ééééé", 3), "ééé…");
    }
}
