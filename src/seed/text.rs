//! Realistic-looking records made from the vocabulary in `words`.

use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};

use super::words::*;
use crate::domain::{EmploymentType, RemoteMode, SalaryPeriod};

/// A job as the generators make it (ids and dates are added by the caller).
pub struct JobText {
    pub title: String,
    pub description: String,
    pub category: &'static str,
    pub location: String,
    pub remote: RemoteMode,
    pub employment_type: EmploymentType,
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    pub salary_currency: &'static str,
    pub salary_period: SalaryPeriod,
}

pub fn pick<'a, T, R: Rng + ?Sized>(rng: &mut R, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("non-empty list")
}

fn pick_weighted<T: Copy, R: Rng + ?Sized>(rng: &mut R, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut n = rng.random_range(0..total);
    for (item, w) in items {
        if n < *w {
            return *item;
        }
        n -= w;
    }
    items[0].0
}

fn some_skills<R: Rng + ?Sized>(rng: &mut R, family: &RoleFamily, n: usize) -> Vec<&'static str> {
    let mut skills: Vec<&'static str> = family.skills.to_vec();
    skills.shuffle(rng);
    skills.truncate(n.min(skills.len()));
    skills
}

fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn round_to(n: i64, step: i64) -> i64 {
    (n / step) * step
}

/// A company name: two words from the lists, unique enough for demos.
pub fn company_name<R: Rng + ?Sized>(rng: &mut R) -> String {
    format!("{} {}", pick(rng, COMPANY_FIRST), pick(rng, COMPANY_SECOND))
}

pub fn company_description<R: Rng + ?Sized>(rng: &mut R, name: &str, city: &str) -> String {
    let pitch = pick(rng, COMPANY_PITCH);
    let size = rng.random_range(12..900);
    let year = rng.random_range(1995..2024);
    format!(
        "{name} {pitch}. Founded in {year}, we are {size} people with our main office in {city}.\n\n\
         We work in small, trusted teams, write things down, and ship often. We care about the people \
         who use what we make, and about each other."
    )
}

/// A full person name.
pub fn person<R: Rng + ?Sized>(rng: &mut R) -> (String, String) {
    (pick(rng, FIRST_NAMES).to_string(), pick(rng, LAST_NAMES).to_string())
}

/// Lower-case ASCII for e-mail local parts ("Müller" -> "muller", "O'Brien" -> "obrien").
pub fn ascii_name(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ü' | 'Ü' => 'u',
            'ö' | 'Ö' => 'o',
            'ä' | 'Ä' => 'a',
            c => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A job of one family in a company, with text of 900–1,600 characters.
/// `pitch` says what the company does ("builds …"); a random one when None.
pub fn job<R: Rng + ?Sized>(
    rng: &mut R,
    family: &RoleFamily,
    company: &str,
    home: usize,
    pitch: Option<&str>,
) -> JobText {
    let base_title = pick(rng, family.titles);
    let seniority = pick(rng, SENIORITY);
    // "Head of" leads a field, not a job title ("Head of Finance").
    let title = if *seniority == "Head of " {
        format!("Head of {}", family.category)
    } else {
        format!("{seniority}{base_title}")
    };
    let level: f64 = match *seniority {
        "Junior " => 0.7,
        "Senior " => 1.25,
        "Lead " | "Staff " => 1.4,
        "Principal " | "Head of " => 1.6,
        _ => 1.0,
    };

    let remote = pick_weighted(rng, &[(RemoteMode::Onsite, 50), (RemoteMode::Hybrid, 30), (RemoteMode::Remote, 20)]);
    // Most jobs are at the company's home city; some elsewhere.
    let place = if rng.random_bool(0.6) { &PLACES[home] } else { pick(rng, PLACES) };
    let location = match remote {
        RemoteMode::Remote => pick(rng, REMOTE_REGIONS).to_string(),
        _ => format!("{}, {}", place.0, place.1),
    };
    let employment_type = pick_weighted(
        rng,
        &[
            (EmploymentType::FullTime, 70),
            (EmploymentType::PartTime, 10),
            (EmploymentType::Contract, 10),
            (EmploymentType::Internship, 5),
            (EmploymentType::Temporary, 5),
        ],
    );

    let (mut salary_min, mut salary_max, mut period) = (None, None, SalaryPeriod::Year);
    if rng.random_bool(0.75) {
        let (lo, hi) = family.salary;
        let mid = rng.random_range(lo..=hi) as f64 * level;
        let min = round_to((mid * 0.9) as i64, 1000);
        let max = round_to((mid * 1.15) as i64, 1000);
        match employment_type {
            EmploymentType::Contract if rng.random_bool(0.5) => {
                period = SalaryPeriod::Hour;
                salary_min = Some((min / 1600).max(15));
                salary_max = Some((max / 1600).max(20));
            }
            EmploymentType::Internship | EmploymentType::Temporary => {
                period = SalaryPeriod::Month;
                salary_min = Some(round_to(min / 24, 50).max(800));
                salary_max = Some(round_to(max / 20, 50).max(1000));
            }
            _ => {
                salary_min = Some(min);
                salary_max = if rng.random_bool(0.85) { Some(max) } else { None };
            }
        }
    }

    let team = family.category.to_lowercase();
    let opening = pick(rng, OPENINGS).replace("{title}", &title).replace("{team}", &team);
    let n = rng.random_range(4..8);
    let skills = some_skills(rng, family, n);
    let mut duties: Vec<&str> = family.duties.to_vec();
    duties.shuffle(rng);
    duties.truncate(rng.random_range(3..6).min(duties.len()));
    let mut benefits: Vec<&str> = BENEFITS.to_vec();
    benefits.shuffle(rng);
    benefits.truncate(rng.random_range(3..6));
    let years = match *seniority {
        "Junior " => "up to two years".to_string(),
        "" => format!("{} or more years", rng.random_range(2..4)),
        _ => format!("{} or more years", rng.random_range(5..9)),
    };
    let where_line = match remote {
        RemoteMode::Remote => "This role is fully remote.".to_string(),
        RemoteMode::Hybrid => format!("This is a hybrid role: two or three days a week in our {} office.", place.0),
        RemoteMode::Onsite => format!("You will work from our office in {}.", place.0),
    };

    let mut d = String::with_capacity(1600);
    let pitch: &str = match pitch {
        Some(p) => p,
        None => *pick(rng, COMPANY_PITCH),
    };
    d.push_str(&format!("{opening} {company} {pitch}.\n\n"));
    d.push_str("What you will do\n");
    for duty in &duties {
        d.push_str(&format!("- {}{}\n", duty[..1].to_uppercase(), &duty[1..]));
    }
    d.push_str("\nWhat you bring\n");
    let role = base_title.to_lowercase();
    let article = if role.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    d.push_str(&format!("- {years} of experience as {article} {role} or in a similar role\n"));
    d.push_str(&format!("- Hands-on knowledge of {}\n", list(&skills[..skills.len().min(3)])));
    if skills.len() > 3 {
        d.push_str(&format!("- Bonus: experience with {}\n", list(&skills[3..])));
    }
    d.push_str("- Clear written and spoken English\n");
    let benefits: Vec<String> = benefits.iter().map(|b| format!("{}{}", b[..1].to_uppercase(), &b[1..])).collect();
    d.push_str(&format!("\nWhat we offer\n- {}\n\n", benefits.join("\n- ")));
    d.push_str(&where_line);
    d.push(' ');
    d.push_str(*pick(rng, CLOSINGS));

    // Amounts are in the size of USD; keep currencies of a similar size.
    let currency = match place.2 {
        c @ ("EUR" | "GBP" | "CHF" | "CAD" | "AUD" | "NZD" | "SGD") if remote != RemoteMode::Remote => c,
        _ => "USD",
    };
    JobText {
        title,
        description: d,
        category: family.category,
        location,
        remote,
        employment_type,
        salary_min,
        salary_max,
        salary_currency: currency,
        salary_period: period,
    }
}

/// The text of a resume, as a PDF extractor would give it.
pub fn resume<R: Rng + ?Sized>(rng: &mut R, first: &str, last: &str, email: &str, family: &RoleFamily) -> String {
    let title = pick(rng, family.titles);
    let n = rng.random_range(5..9);
    let skills = some_skills(rng, family, n);
    let place = pick(rng, PLACES);
    let years = rng.random_range(1..15);
    let employer = company_name(rng);
    let previous = company_name(rng);
    let mut duties: Vec<&str> = family.duties.to_vec();
    duties.shuffle(rng);
    format!(
        "{first} {last} {title} {city}, {country} {email} Profile {intro} {years} years of experience in {cat}. \
         Experience {title} at {employer} ({from}–present): {d1}; {d2}. {prev_title} at {previous}: {d3}. \
         Skills {skills} Education {degree}, {uni} Languages English, {lang}",
        title = title,
        city = place.0,
        country = place.1,
        intro = pick(rng, RESUME_INTROS),
        cat = family.category.to_lowercase(),
        from = 2025 - years.min(6),
        d1 = duties[0],
        d2 = duties[1 % duties.len()],
        prev_title = pick(rng, family.titles),
        d3 = duties[2 % duties.len()],
        skills = skills.join(", "),
        degree = pick(rng, DEGREES),
        uni = pick(rng, UNIVERSITIES),
        lang = pick(rng, &["German", "Spanish", "French", "Portuguese", "Polish", "Italian", "Dutch", "Hindi"]),
    )
}

pub fn cover_letter<R: Rng + ?Sized>(rng: &mut R, first: &str, title: &str, company: &str) -> String {
    let reasons = [
        "I have followed your work for a while and like how you treat your customers.",
        "The role matches what I have done for the last years, and what I want to learn next.",
        "A friend who works with you recommended the team warmly.",
        "I am looking for a team that writes things down and ships often, and that sounds like you.",
    ];
    format!(
        "Dear {company} team,\n\nI would like to apply for the {title} position. {}\n\nI look forward to hearing from you.\n\n{first}",
        pick(rng, &reasons)
    )
}

/// A short professional headline for a seeker's profile.
pub fn headline<R: Rng + ?Sized>(rng: &mut R, family: &RoleFamily) -> String {
    format!("{}{} · {}", pick(rng, SENIORITY), pick(rng, family.titles), list(&some_skills(rng, family, 3)))
}

pub fn skills<R: Rng + ?Sized>(rng: &mut R, family: &RoleFamily) -> String {
    some_skills(rng, family, 6).join(", ")
}

pub fn phone<R: Rng + ?Sized>(rng: &mut R) -> String {
    format!("+{} {} {}", rng.random_range(30..50), rng.random_range(100..999), rng.random_range(100_000..9_999_999))
}
