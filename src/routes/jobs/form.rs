//! The job form: what the employer typed, kept as text so a refused form
//! comes back exactly as sent, and its validation into `JobFields`.

use serde::Deserialize;
use time::{Duration, PrimitiveDateTime};

use crate::db::jobs::{Job, JobFields};
use crate::domain::money::{self, Rates};
use crate::domain::place::{self, Place};
use crate::domain::{CATEGORIES, CURRENCIES, text};
use crate::domain::{DisplayText, EmploymentType, RemoteMode, SalaryPeriod};
use crate::routes::FieldErrors;

pub const TITLE_MAX: usize = 120;
pub const DESCRIPTION_MIN: usize = 30;
pub const DESCRIPTION_MAX: usize = 20_000;
pub const LOCATION_MAX: usize = 100;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct JobForm {
    pub title: String,
    pub description: String,
    /// The free-text place of clients that send no structured one (read by
    /// `domain::place::from_text`); the form sends the four fields below.
    pub location: String,
    pub city: String,
    pub region: String,
    /// A country's name, alias or ISO code (the form offers a list).
    pub country: String,
    /// Remote jobs: the countries candidates may live in, separated by commas.
    pub remote_countries: String,
    pub remote: String,
    pub employment_type: String,
    pub category: String,
    pub salary_min: String,
    pub salary_max: String,
    pub salary_currency: String,
    pub salary_period: String,
    pub closes_at: String,
}

impl JobForm {
    /// A new job's defaults.
    pub fn blank() -> Self {
        JobForm {
            remote: RemoteMode::Onsite.as_str().into(),
            employment_type: EmploymentType::FullTime.as_str().into(),
            salary_currency: "EUR".into(),
            salary_period: SalaryPeriod::Year.as_str().into(),
            ..Default::default()
        }
    }

    /// The job's fields; the closing date on the company's clock (`zone`).
    pub fn from_job(job: &Job, zone: &str) -> Self {
        JobForm {
            title: job.title.clone(),
            description: job.description.clone(),
            location: String::new(),
            city: job.city.clone(),
            region: job.region.clone(),
            country: place::country_text(&job.location, &job.country),
            remote_countries: place::remote_text(&job.location, &job.remote_countries),
            remote: job.remote.as_str().into(),
            employment_type: job.employment_type.as_str().into(),
            category: job.category.clone(),
            salary_min: job.salary_min.map(|n| n.to_string()).unwrap_or_default(),
            salary_max: job.salary_max.map(|n| n.to_string()).unwrap_or_default(),
            salary_currency: job.salary_currency.clone(),
            salary_period: job.salary_period.as_str().into(),
            closes_at: job.closes_at.as_ref().map(|t| format_closes_at(t, zone)).unwrap_or_default(),
        }
    }

    /// Checks every field. `previous_closes_at` is the stored closing date:
    /// keeping it unchanged is allowed even when it has passed. The closing
    /// date is read on the company's clock (`zone`, empty: UTC); the pay is
    /// also kept as a yearly amount in the site's currency (`rates`).
    pub fn validate(
        &self,
        now: PrimitiveDateTime,
        previous_closes_at: Option<PrimitiveDateTime>,
        zone: &str,
        rates: &Rates,
    ) -> Result<JobFields, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = errors.check(
            "title",
            if self.title.trim().is_empty() {
                Err("Enter a job title.".to_string())
            } else {
                DisplayText::parse(&self.title, 3, TITLE_MAX)
            },
        );
        let description =
            errors.check("description", text::multiline_within(&self.description, DESCRIPTION_MIN, DESCRIPTION_MAX));
        let remote =
            errors.check("remote", self.remote.parse::<RemoteMode>().map_err(|_| "Choose where the work happens."));
        let place = remote.and_then(|remote| self.place(remote, &mut errors));
        let employment_type = errors.check(
            "employment_type",
            self.employment_type.parse::<EmploymentType>().map_err(|_| "Choose an employment type."),
        );
        let category = errors.check(
            "category",
            CATEGORIES.iter().find(|c| **c == self.category).map(|c| c.to_string()).ok_or("Choose a category."),
        );
        let salary_min = errors.check("salary_min", money::parse_amount(&self.salary_min));
        let salary_max = errors.check("salary_max", money::parse_amount(&self.salary_max));
        if let (Some(Some(min)), Some(Some(max))) = (salary_min, salary_max)
            && min > max
        {
            errors.add("salary_max", "The maximum must be at least the minimum.");
        }
        let salary_currency = errors.check(
            "salary_currency",
            CURRENCIES.iter().find(|c| **c == self.salary_currency).map(|c| c.to_string()).ok_or("Choose a currency."),
        );
        let salary_period = errors.check(
            "salary_period",
            self.salary_period.parse::<SalaryPeriod>().map_err(|_| "Choose per year, month or hour."),
        );
        let closes_at = errors.check("closes_at", closing_date(&self.closes_at, now, previous_closes_at, zone));
        if !errors.is_empty() {
            return Err(errors);
        }
        match (
            title,
            description,
            place,
            remote,
            employment_type,
            category,
            salary_min,
            salary_max,
            salary_currency,
            salary_period,
            closes_at,
        ) {
            (
                Some(title),
                Some(description),
                Some(place),
                Some(remote),
                Some(employment_type),
                Some(category),
                Some(salary_min),
                Some(salary_max),
                Some(salary_currency),
                Some(salary_period),
                Some(closes_at),
            ) => Ok(JobFields {
                title: title.into_inner(),
                description,
                pay_yearly: rates.best_yearly(salary_min, salary_max, &salary_currency, salary_period),
                remote_countries: place.remote_codes(),
                location: place.label,
                city: place.city,
                region: place.region,
                country: place.country,
                remote,
                employment_type,
                category,
                salary_min,
                salary_max,
                salary_currency,
                salary_period,
                closes_at,
            }),
            _ => Err(errors),
        }
    }
}

impl JobForm {
    /// The job's place: the form's four fields, or (when a client sends only
    /// the free text) that text read as well as it can be.
    fn place(&self, remote: RemoteMode, errors: &mut FieldErrors) -> Option<Place> {
        let structured =
            [&self.city, &self.region, &self.country, &self.remote_countries].iter().any(|f| !f.trim().is_empty());
        if !structured && !self.location.trim().is_empty() {
            let text = errors.check("location", DisplayText::parse(&self.location, 2, LOCATION_MAX))?;
            return Some(place::from_text(remote, text.as_str()));
        }
        match place::parse(remote, &self.city, &self.region, &self.country, &self.remote_countries) {
            Ok(p) if p.label.chars().count() > LOCATION_MAX => {
                errors.add("city", format!("Together the place may take at most {LOCATION_MAX} characters."));
                None
            }
            Ok(p) => Some(p),
            Err(list) => {
                for (field, message) in list {
                    errors.add(field, message);
                }
                None
            }
        }
    }
}

/// The value of a `datetime-local` input on the company's clock
/// (`2026-12-01T17:00`, with optional seconds; a bare date means the end of
/// that day), as the UTC instant it names.
fn closing_date(
    raw: &str,
    now: PrimitiveDateTime,
    previous: Option<PrimitiveDateTime>,
    zone: &str,
) -> Result<Option<PrimitiveDateTime>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let local = if raw.len() == 10 { format!("{raw}T23:59") } else { raw.to_string() };
    let zone = if zone.is_empty() { "UTC" } else { zone };
    let parsed = crate::domain::zone::to_utc(&local, zone).map_err(|e| {
        if e.starts_with("Enter a date") { "Enter a date and time like 2026-12-31T17:00.".into() } else { e }
    })?;
    if previous.is_some_and(|p| p.replace_nanosecond(0).ok() == parsed.replace_nanosecond(0).ok()) {
        return Ok(previous);
    }
    if parsed <= now {
        return Err("The closing date must be in the future.".into());
    }
    if parsed > now + Duration::days(366) {
        return Err("The closing date can be at most a year from now.".into());
    }
    Ok(Some(parsed))
}

/// A stored closing date as the form shows it, on the company's clock.
pub fn format_closes_at(t: &PrimitiveDateTime, zone: &str) -> String {
    crate::domain::zone::local_input(*t, if zone.is_empty() { "UTC" } else { zone })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> JobForm {
        JobForm {
            title: "Rust Developer".into(),
            description: "Build fast and reliable services with a friendly team.".into(),
            location: "Berlin".into(),
            category: "Engineering".into(),
            salary_min: "60,000".into(),
            salary_max: "80000".into(),
            ..JobForm::blank()
        }
    }

    #[test]
    fn a_good_form_gives_fields() {
        let fields = valid().validate(crate::db::now(), None, "", &Rates::shipped()).unwrap();
        assert_eq!(fields.salary_min, Some(60_000));
        assert_eq!(fields.salary_currency, "EUR");
    }

    #[test]
    fn bad_values_are_refused_per_field() {
        let now = crate::db::now();
        let mut f = valid();
        f.title = " ".into();
        f.salary_min = "90000".into();
        f.remote = "moon".into();
        f.category = "Astrology".into();
        f.closes_at = "2001-01-01T00:00".into();
        let errors = f.validate(now, None, "", &Rates::shipped()).unwrap_err();
        for field in ["title", "salary_max", "remote", "category", "closes_at"] {
            assert!(errors.has(field), "{field}");
        }
        let mut f = valid();
        f.description = "x".repeat(DESCRIPTION_MAX + 1);
        f.salary_min = "-5".into();
        assert!(f.validate(now, None, "", &Rates::shipped()).unwrap_err().has("description"));
    }

    #[test]
    fn an_unchanged_past_closing_date_is_kept() {
        let now = crate::db::now();
        let past = now - Duration::days(2);
        let mut f = valid();
        f.closes_at = format_closes_at(&past, "");
        assert!(f.validate(now, None, "", &Rates::shipped()).is_err());
        assert!(f.validate(now, Some(past), "", &Rates::shipped()).is_ok());
    }
}
