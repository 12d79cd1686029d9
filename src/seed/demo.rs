//! `seed-demo`: three companies with their employers, a few dozen jobs,
//! seekers with real (small) PDF resumes, applications and saved jobs, so a
//! new installation shows a living site. Running it twice changes nothing.

use std::path::Path;

use anyhow::{Context, bail};
use diesel::prelude::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use time::{Duration, PrimitiveDateTime};

use super::rows::*;
use super::text;
use super::words::FAMILIES;
use crate::config::Settings;
use crate::db::schema::{applicant_events, jobs, saved_jobs, users};
use crate::db::{self, AnyConnection, Db};
use crate::domain::money::Rates;
use crate::domain::{JobStatus, Stage};

pub const DEMO_PASSWORD: &str = "demo-password";
const DEMO_DOMAIN: &str = "demo.jobconnect.example";

struct DemoCompany {
    name: &'static str,
    slug: &'static str,
    city: usize,
    /// What the company does, for job texts ("builds …").
    does: &'static str,
    pitch: &'static str,
    families: &'static [&'static str],
    employers: &'static [(&'static str, &'static str)],
}

const COMPANIES: &[DemoCompany] = &[
    DemoCompany {
        name: "Cedar Labs",
        slug: "cedar-labs",
        city: 0, // Berlin
        does: "builds invoicing and payment software for small businesses",
        pitch: "Cedar Labs builds invoicing and payment software for small businesses across Europe. \
                About 120 of us work from Berlin and from home, in small teams that own their product end to end.\n\n\
                We write things down, ship every day and keep meetings short.",
        families: &["Engineering", "Data", "Design", "Product"],
        employers: &[("lena", "Lena Fischer"), ("tomas", "Tomas Novak")],
    },
    DemoCompany {
        name: "Northwind Health",
        slug: "northwind-health",
        city: 20, // London
        does: "runs community clinics and a telehealth service",
        pitch: "Northwind Health runs twelve community clinics and a telehealth service that reaches patients \
                wherever they are. We combine clinical excellence with simple, humane technology.\n\n\
                Our teams are multidisciplinary and we invest in training every year.",
        families: &["Healthcare", "Customer Support", "People & HR", "Finance"],
        employers: &[("samir", "Samir Okafor")],
    },
    DemoCompany {
        name: "Harbor Logistics",
        slug: "harbor-logistics",
        city: 9, // Rotterdam
        does: "moves goods for online shops from the port of Rotterdam to doorsteps in nine countries",
        pitch: "Harbor Logistics moves goods for online shops from the port of Rotterdam to doorsteps in \
                nine countries. We run our own warehouses and the software behind them.\n\n\
                We like practical people who enjoy fixing real-world problems.",
        families: &["Operations", "Sales", "Marketing", "Engineering"],
        employers: &[("julia", "Julia Jensen")],
    },
];

const SEEKERS: &[(&str, &str, &str)] = &[
    ("ann", "Ann", "Müller"),
    ("ben", "Ben", "Taylor"),
    ("chloe", "Chloe", "Dubois"),
    ("david", "David", "Kim"),
    ("elena", "Elena", "Rossi"),
    ("farid", "Farid", "Hassan"),
];

const JOBS_PER_COMPANY: usize = 12;

pub fn seed_demo(settings: &Settings) -> anyhow::Result<()> {
    let database = Db::new(&settings.database_url, 1)?;
    database.migrate()?;
    let mut conn = database.pool().get().context("cannot connect to the database")?;
    let seeded: i64 =
        users::table.filter(users::email.like(format!("%@{DEMO_DOMAIN}"))).count().get_result(&mut *conn)?;
    if seeded > 0 {
        println!("The demo data is there already.");
        print_logins(settings);
        return Ok(());
    }
    let usernames: Vec<&str> =
        COMPANIES.iter().flat_map(|c| c.employers.iter().map(|e| e.0)).chain(SEEKERS.iter().map(|s| s.0)).collect();
    let taken: i64 = users::table.filter(users::username.eq_any(&usernames)).count().get_result(&mut *conn)?;
    if taken > 0 {
        bail!("some demo user names ({}) are taken already; seed-demo wants a fresh database", usernames.join(", "));
    }
    let hash = bcrypt::non_truncating_hash(DEMO_PASSWORD, settings.bcrypt_cost)?;
    let resume_dir = settings.upload_dir.join("resumes");
    std::fs::create_dir_all(&resume_dir).with_context(|| format!("cannot create {}", resume_dir.display()))?;
    let mut written = Vec::new();
    let rates = Rates::load(settings.exchange_rates_file.as_deref(), &settings.pay_currency)?;
    let result = db::transaction(&mut *conn, |c| fill(c, &hash, &settings.upload_dir, &rates, &mut written));
    let (jobs, applications) = match result {
        Ok(counts) => counts,
        Err(e) => {
            for file in written {
                let _ = std::fs::remove_file(file);
            }
            return Err(e);
        }
    };
    println!(
        "Demo data ready: {} companies, {jobs} jobs, {} seekers, {applications} applications.",
        COMPANIES.len(),
        SEEKERS.len()
    );
    print_logins(settings);
    Ok(())
}

fn print_logins(settings: &Settings) {
    println!(
        "\nLog in at {}/login with the password \"{DEMO_PASSWORD}\" and one of these user names:",
        settings.base_url
    );
    for company in COMPANIES {
        for (username, name) in company.employers {
            println!("  employer  {username:<8} {name} ({})", company.name);
        }
    }
    for (username, first, last) in SEEKERS {
        println!("  seeker    {username:<8} {first} {last}");
    }
    println!("For an admin, run: jobconnect create-admin --email you@example.com --username admin");
}

fn fill(
    c: &mut AnyConnection,
    hash: &str,
    upload_dir: &Path,
    rates: &Rates,
    written: &mut Vec<std::path::PathBuf>,
) -> anyhow::Result<(usize, usize)> {
    let mut rng = SmallRng::seed_from_u64(2026);
    let now = db::now();
    let ids = next_ids(c)?;
    let (mut next_user, mut next_job, mut next_resume, mut next_applicant) =
        (ids.user, ids.job, ids.resume, ids.applicant);

    let mut company_rows = Vec::new();
    let mut user_rows = Vec::new();
    let mut job_rows = Vec::new();
    // (job id, company index, title, type, published)
    let mut open_jobs: Vec<(i64, usize, String, &'static str, PrimitiveDateTime)> = Vec::new();
    for (ci, company) in COMPANIES.iter().enumerate() {
        let company_id = ids.company + ci as i64;
        let place = super::words::PLACES[company.city];
        let created = now - Duration::days(400 + ci as i64 * 30);
        company_rows.push(CompanyRow {
            id: company_id,
            name: company.name.into(),
            slug: company.slug.into(),
            website: format!("https://{}.example", company.slug),
            description: company.pitch.into(),
            location: format!("{}, {}", place.0, place.1),
            logo_path: None,
            created_at: created,
            updated_at: created,
        });
        let mut employer_ids = Vec::new();
        for (username, name) in company.employers {
            user_rows.push(UserRow {
                id: next_user,
                email: format!("{username}@{DEMO_DOMAIN}"),
                username: (*username).into(),
                password_hash: hash.into(),
                role: "employer".into(),
                company_id: Some(company_id),
                display_name: (*name).into(),
                headline: String::new(),
                location: String::new(),
                phone: String::new(),
                skills: String::new(),
                avatar_path: None,
                is_active: true,
                session_epoch: 0,
                created_at: created,
                updated_at: created,
                last_login_at: None,
            });
            employer_ids.push(next_user);
            next_user += 1;
        }
        for j in 0..JOBS_PER_COMPANY {
            let family = FAMILIES
                .iter()
                .find(|f| f.category == company.families[j % company.families.len()])
                .expect("a known family");
            let job = text::job(&mut rng, family, company.name, company.city, Some(company.does));
            // Two drafts and one closed job per company; the rest are open.
            let status = match j {
                0 | 5 => JobStatus::Draft,
                7 => JobStatus::Closed,
                _ => JobStatus::Open,
            };
            let age = Duration::hours(rng.random_range(2..24 * 25));
            let published = (status != JobStatus::Draft).then_some(now - age);
            let closes_at = match status {
                JobStatus::Open if j % 4 == 1 => Some(now + Duration::days(rng.random_range(7..45))),
                _ => None,
            };
            if status == JobStatus::Open {
                open_jobs.push((next_job, ci, job.title.clone(), job.employment_type.as_str(), now - age));
            }
            let created = now - age - Duration::hours(6);
            let place = crate::domain::place::from_text(job.remote, &job.location);
            let pay_yearly = rates.best_yearly(job.salary_min, job.salary_max, job.salary_currency, job.salary_period);
            job_rows.push(JobRow {
                id: next_job,
                company_id,
                created_by: Some(employer_ids[j % employer_ids.len()]),
                title: job.title,
                description: job.description,
                location: job.location,
                remote: job.remote.as_str().into(),
                employment_type: job.employment_type.as_str().into(),
                category: job.category.into(),
                salary_min: job.salary_min,
                salary_max: job.salary_max,
                salary_currency: job.salary_currency.into(),
                salary_period: job.salary_period.as_str().into(),
                status: status.as_str().into(),
                closes_at,
                published_at: published,
                created_at: created,
                updated_at: published.unwrap_or(created),
                remote_countries: place.remote_codes(),
                pay_yearly,
                city: place.city,
                region: place.region,
                country: place.country,
            });
            next_job += 1;
        }
    }
    insert_companies(c, &company_rows)?;
    insert_users(c, &user_rows)?;
    insert_jobs(c, &job_rows)?;
    user_rows.clear();

    // Seekers with a PDF resume each, a few applications and saved jobs.
    let mut resume_rows = Vec::new();
    let mut applicant_rows = Vec::new();
    let mut saved = Vec::new();
    let stages = [Stage::Applied, Stage::Screening, Stage::Interview, Stage::Applied, Stage::Offer, Stage::Rejected];
    for (si, (username, first, last)) in SEEKERS.iter().enumerate() {
        let family = &FAMILIES[(si * 3) % FAMILIES.len()];
        let email = format!("{username}@{DEMO_DOMAIN}");
        let place = super::words::PLACES[(si * 7) % super::words::PLACES.len()];
        let created = now - Duration::days(30 + si as i64);
        user_rows.push(UserRow {
            id: next_user,
            email: email.clone(),
            username: (*username).into(),
            password_hash: hash.into(),
            role: "seeker".into(),
            company_id: None,
            display_name: format!("{first} {last}"),
            headline: text::headline(&mut rng, family),
            location: format!("{}, {}", place.0, place.1),
            phone: text::phone(&mut rng),
            skills: text::skills(&mut rng, family),
            avatar_path: None,
            is_active: true,
            session_epoch: 0,
            created_at: created,
            updated_at: created,
            last_login_at: None,
        });
        let resume_text = text::resume(&mut rng, first, last, &email, family);
        let stored_name = format!("resumes/{}.pdf", uuid::Uuid::new_v4().simple());
        let pdf = pdf_of(&resume_text);
        let path = upload_dir.join(&stored_name);
        std::fs::write(&path, &pdf).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
        resume_rows.push(ResumeRow {
            id: next_resume,
            user_id: Some(next_user),
            file_name: format!("{}-{}-resume.pdf", text::ascii_name(first), text::ascii_name(last)),
            stored_name,
            size_bytes: pdf.len() as i64,
            text_content: resume_text,
            created_at: created + Duration::hours(1),
            deleted_at: None,
        });
        for k in 0..3 {
            let (job_id, company, title, employment_type, published) = &open_jobs[(si * 5 + k * 7) % open_jobs.len()];
            if applicant_rows.iter().any(|a: &ApplicantRow| a.job_id == Some(*job_id) && a.seeker_id == Some(next_user))
            {
                continue;
            }
            let at = *published + Duration::minutes(rng.random_range(30..600)).min(now - *published);
            let stage = stages[(si + k) % stages.len()];
            applicant_rows.push(ApplicantRow {
                id: next_applicant,
                company_id: ids.company + *company as i64,
                job_id: Some(*job_id),
                seeker_id: Some(next_user),
                resume_id: Some(next_resume),
                assignee_id: None,
                name: format!("{first} {last}"),
                email: email.clone(),
                phone: text::phone(&mut rng),
                current_company: text::company_name(&mut rng),
                position: text::pick(&mut rng, family.titles).to_string(),
                location: format!("{}, {}", place.0, place.1),
                years_experience: Some(rng.random_range(1..12)),
                status: if stage == Stage::Rejected { "closed".into() } else { "open".into() },
                employment_type: (*employment_type).into(),
                stage: stage.as_str().into(),
                source: "portal".into(),
                cover_letter: text::cover_letter(&mut rng, first, title, COMPANIES[*company].name),
                withdrawn_at: None,
                created_at: at,
                updated_at: at,
            });
            next_applicant += 1;
        }
        for k in 0..2 {
            let job_id = open_jobs[(si * 3 + k * 11 + 1) % open_jobs.len()].0;
            if !saved.contains(&(next_user, job_id)) {
                saved.push((next_user, job_id));
            }
        }
        next_user += 1;
        next_resume += 1;
    }
    insert_users(c, &user_rows)?;
    insert_resumes(c, &resume_rows)?;
    insert_applicants(c, &applicant_rows)?;
    // Each application's timeline, as the app would have written it.
    for a in &applicant_rows {
        let title = jobs::table.find(a.job_id.unwrap_or_default()).select(jobs::title).first::<String>(c)?;
        let mut events = vec![("applied", title, a.created_at)];
        let stage: Stage = a.stage.parse().unwrap_or(Stage::Applied);
        if stage != Stage::Applied {
            let detail = format!("{} → {}", Stage::Applied.label(), stage.label());
            events.push(("stage", detail, a.created_at + Duration::days(1).min(now - a.created_at)));
        }
        for (kind, detail, at) in events {
            diesel::insert_into(applicant_events::table)
                .values((
                    applicant_events::applicant_id.eq(a.id),
                    applicant_events::actor_id.eq(a.seeker_id),
                    applicant_events::kind.eq(kind),
                    applicant_events::detail.eq(detail),
                    applicant_events::created_at.eq(at),
                ))
                .execute(c)?;
        }
    }
    for (user_id, job_id) in saved {
        diesel::insert_into(saved_jobs::table)
            .values((saved_jobs::user_id.eq(user_id), saved_jobs::job_id.eq(job_id), saved_jobs::created_at.eq(now)))
            .execute(c)?;
    }
    fix_sequences(c)?;
    Ok((job_rows.len(), applicant_rows.len()))
}

/// A one-page PDF holding the text (Helvetica, ASCII), so demo resumes open
/// in any viewer and pass the upload checks (`%PDF-`).
pub fn pdf_of(text: &str) -> Vec<u8> {
    let ascii: String = text
        .chars()
        .map(|c| match c {
            'ü' => 'u',
            'ö' => 'o',
            'ä' => 'a',
            'é' | 'è' => 'e',
            '–' | '—' => '-',
            c if c.is_ascii() && !c.is_ascii_control() => c,
            _ => ' ',
        })
        .collect();
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in ascii.split_whitespace() {
        if line.len() + word.len() + 1 > 90 {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    let mut content = String::from("BT /F1 11 Tf 56 790 Td 15 TL\n");
    for l in lines.iter().take(48) {
        let escaped = l.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
        content.push_str(&format!("({escaped}) Tj T*\n"));
    }
    content.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    pdf
}
