//! Time zones: the instant stored (UTC) and the clock a person reads. A
//! person's zone and a company's are IANA names (`Europe/Berlin`, empty:
//! UTC); forms offer `OFFERED` and accept any zone the bundled database knows.

use time::PrimitiveDateTime;

/// The zones forms offer first (a person's own is added when it is another).
pub const OFFERED: &[&str] = &[
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Helsinki",
    "America/New_York",
    "America/Toronto",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
];

/// A zone select's options: `OFFERED`, and `chosen` first when it is another.
pub fn choices(chosen: &str) -> Vec<&str> {
    let mut zones = OFFERED.to_vec();
    let chosen = chosen.trim();
    if !chosen.is_empty() && !zones.contains(&chosen) {
        zones.insert(0, chosen);
    }
    zones
}

/// A form's zone field: empty (UTC) or a known zone, else its message.
pub fn field(raw: &str) -> Result<String, String> {
    match raw.trim() {
        "" => Ok(String::new()),
        name => parse(name).map(|_| name.to_string()),
    }
}

/// The zone of this IANA name; "Choose one of the time zones." otherwise.
pub fn parse(name: &str) -> Result<jiff::tz::TimeZone, String> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return Err("Choose one of the time zones.".into());
    }
    jiff::tz::TimeZone::get(name).map_err(|_| "Choose one of the time zones.".to_string())
}

/// A stored zone name as the zone (empty or unknown: UTC).
pub fn or_utc(name: &str) -> jiff::tz::TimeZone {
    parse(name).unwrap_or(jiff::tz::TimeZone::UTC)
}

/// A stored name, checked: a known zone or empty (a browser's guess that
/// is not a zone is dropped rather than refused).
pub fn known_or_empty(name: &str) -> String {
    if parse(name).is_ok() { name.trim().to_string() } else { String::new() }
}

/// A `datetime-local` value (`2026-12-10T14:30`) in `zone_name`, as the UTC
/// instant it names. A time skipped by a clock change is refused.
pub fn to_utc(local: &str, zone_name: &str) -> Result<PrimitiveDateTime, String> {
    let tz = parse(zone_name)?;
    let civil: jiff::civil::DateTime =
        local.trim().parse().map_err(|_| "Enter a date and a time, like 2026-12-10 14:30.".to_string())?;
    let zoned = tz.to_ambiguous_zoned(civil).unambiguous().map_err(|_| {
        format!("{local} does not exist or happens twice in {zone_name} (the clocks change): choose another time.")
    })?;
    let seconds = zoned.timestamp().as_second();
    let utc =
        time::OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| "That date is out of range.".to_string())?;
    Ok(PrimitiveDateTime::new(utc.date(), utc.time()))
}

fn zoned(utc: PrimitiveDateTime, zone_name: &str) -> Option<jiff::Zoned> {
    Some(at(utc, &jiff::tz::TimeZone::get(zone_name).ok()?))
}

fn at(utc: PrimitiveDateTime, tz: &jiff::tz::TimeZone) -> jiff::Zoned {
    let ts = jiff::Timestamp::from_second(utc.assume_utc().unix_timestamp()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.to_zoned(tz.clone())
}

/// When the day of `utc` ends on the clock of `tz` (its next midnight), in UTC.
pub fn end_of_day(utc: PrimitiveDateTime, tz: &jiff::tz::TimeZone) -> PrimitiveDateTime {
    let next = at(utc, tz).date().tomorrow().ok().and_then(|d| d.to_zoned(tz.clone()).ok());
    let seconds = next.map(|z| z.timestamp().as_second());
    match seconds.and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok()) {
        Some(t) => PrimitiveDateTime::new(t.date(), t.time()),
        None => utc.replace_time(time::Time::MIDNIGHT) + time::Duration::days(1),
    }
}

/// "7 Dec 2026" on the clock of `tz`.
pub fn date(utc: &PrimitiveDateTime, tz: &jiff::tz::TimeZone) -> String {
    at(*utc, tz).strftime("%-d %b %Y").to_string()
}

/// "7 Dec 2026, 15:30 CET" on the clock of `tz`.
pub fn datetime(utc: &PrimitiveDateTime, tz: &jiff::tz::TimeZone) -> String {
    at(*utc, tz).strftime("%-d %b %Y, %H:%M %Z").to_string()
}

/// "Thursday 10 December 2026, 14:30 (Europe/Berlin)".
pub fn in_words(utc: &PrimitiveDateTime, zone_name: &str) -> String {
    match zoned(*utc, zone_name) {
        Some(z) => format!("{} ({zone_name})", z.strftime("%A %-d %B %Y, %H:%M")),
        None => format!("{} UTC", utc),
    }
}

/// The same with seconds (`2026-12-10T14:30:00`), for values that carry them.
pub fn local_input(utc: PrimitiveDateTime, zone_name: &str) -> String {
    zoned(utc, zone_name).map(|z| z.strftime("%Y-%m-%dT%H:%M:%S").to_string()).unwrap_or_default()
}

/// The same instant on the reader's clock when that is another than the
/// interview's ("Thursday 10 December, 08:30 your time"), else None.
pub fn on_reader_clock(utc: &PrimitiveDateTime, zone_name: &str, reader: &jiff::tz::TimeZone) -> Option<String> {
    let theirs = zoned(*utc, zone_name)?;
    let mine = at(*utc, reader);
    (theirs.offset() != mine.offset()).then(|| format!("{} your time", mine.strftime("%A %-d %B, %H:%M")))
}

/// The `datetime-local` value of an instant in a zone (a form shown again).
pub fn local_value(utc: PrimitiveDateTime, zone_name: &str) -> String {
    zoned(utc, zone_name).map(|z| z.strftime("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_become_utc_across_zones_and_seasons() {
        let winter = to_utc("2026-12-10T14:30", "Europe/Berlin").unwrap();
        assert_eq!(winter.to_string(), "2026-12-10 13:30:00.0");
        let summer = to_utc("2026-07-10T14:30", "Europe/Berlin").unwrap();
        assert_eq!(summer.to_string(), "2026-07-10 12:30:00.0");
        assert_eq!(to_utc("2026-12-10T09:00", "America/New_York").unwrap().to_string(), "2026-12-10 14:00:00.0");
        assert_eq!(in_words(&winter, "Europe/Berlin"), "Thursday 10 December 2026, 14:30 (Europe/Berlin)");
        assert_eq!(local_value(summer, "Europe/Berlin"), "2026-07-10T14:30");
        // 02:30 on the last Sunday of March does not exist in Berlin.
        assert!(to_utc("2026-03-29T02:30", "Europe/Berlin").is_err());
        assert!(to_utc("2026-12-10T14:30", "Mars/Olympus").is_err());
        assert!(to_utc("tomorrow", "UTC").is_err());
        let berlin = or_utc("Europe/Berlin");
        assert_eq!(datetime(&winter, &berlin), "10 Dec 2026, 14:30 CET");
        assert_eq!(datetime(&summer, &berlin), "10 Jul 2026, 14:30 CEST");
        // Near midnight the date is the reader's.
        let late = to_utc("2026-12-10T23:30", "UTC").unwrap();
        assert_eq!(date(&late, &or_utc("Asia/Tokyo")), "11 Dec 2026");
        assert_eq!(date(&late, &or_utc("")), "10 Dec 2026");
        assert_eq!(known_or_empty("Etc/UTC"), "Etc/UTC");
        let ny = or_utc("America/New_York");
        assert_eq!(on_reader_clock(&winter, "Europe/Berlin", &ny).unwrap(), "Thursday 10 December, 08:30 your time");
        assert_eq!(on_reader_clock(&winter, "Europe/Berlin", &berlin), None, "the same clock says nothing more");
        // 23:30 UTC is already the next day in Tokyo: its day ends at 15:00 UTC after.
        assert_eq!(end_of_day(late, &or_utc("Asia/Tokyo")).to_string(), "2026-12-11 15:00:00.0");
        assert_eq!(end_of_day(late, &or_utc("")).to_string(), "2026-12-11 0:00:00.0");
        assert_eq!(known_or_empty("Not/AZone"), "");
    }
}
