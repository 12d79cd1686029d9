//! Interview times: what a person types (a local date and time in one of the
//! offered IANA time zones) to the UTC instant stored, and back to words.

use time::PrimitiveDateTime;

/// The time zones the interview form offers.
pub const ZONES: &[&str] = &[
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

/// Interview lengths offered, in minutes.
pub const DURATIONS: [i32; 5] = [15, 30, 45, 60, 90];

fn zone(name: &str) -> Result<jiff::tz::TimeZone, String> {
    if !ZONES.contains(&name) {
        return Err("Choose one of the time zones.".into());
    }
    jiff::tz::TimeZone::get(name).map_err(|_| "Choose one of the time zones.".to_string())
}

/// A `datetime-local` value (`2026-12-10T14:30`) in `zone_name`, as the UTC
/// instant it names. A time skipped by a clock change is refused.
pub fn to_utc(local: &str, zone_name: &str) -> Result<PrimitiveDateTime, String> {
    let tz = zone(zone_name)?;
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
    let tz = jiff::tz::TimeZone::get(zone_name).ok()?;
    let ts = jiff::Timestamp::from_second(utc.assume_utc().unix_timestamp()).ok()?;
    Some(ts.to_zoned(tz))
}

/// "Thursday 10 December 2026, 14:30 (Europe/Berlin)".
pub fn in_words(utc: &PrimitiveDateTime, zone_name: &str) -> String {
    match zoned(*utc, zone_name) {
        Some(z) => format!("{} ({zone_name})", z.strftime("%A %-d %B %Y, %H:%M")),
        None => format!("{} UTC", utc),
    }
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
    }
}
