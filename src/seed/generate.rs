//! `gen-data`: a large, varied, repeatable data set for load tests.
//!
//! Companies with two employers each, jobs with realistic text in every
//! status, seekers with a resume (text only, no file), and applicants spread
//! over the companies and jobs in every stage, status and type. Rows get
//! explicit ids and go in with bulk inserts inside one transaction.

use std::collections::HashSet;
use std::time::Instant;

use anyhow::{Context, bail};
use diesel::prelude::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use time::{Duration, PrimitiveDateTime};

use super::rows::*;
use super::text::{self, pick};
use super::words::{FAMILIES, PLACES};
use crate::db::schema::{companies, jobs};
use crate::db::{self, AnyConnection, Db};
use crate::domain::{ApplicantStatus, JobStatus, Stage};

#[derive(Debug, Clone)]
pub struct GenOptions {
    pub jobs: usize,
    pub seekers: usize,
    pub applicants: usize,
    /// Default: one company per 100 jobs (at least 10).
    pub companies: Option<usize>,
    pub seed: u64,
    /// The password of every generated account.
    pub password: String,
    pub bcrypt_cost: u32,
    /// The site's exchange rates: jobs store their yearly pay in its currency.
    pub rates: crate::domain::money::Rates,
}

/// What was made, for the summary.
#[derive(Debug, Default)]
pub struct Generated {
    pub companies: usize,
    pub employers: usize,
    pub jobs: usize,
    pub seekers: usize,
    pub resumes: usize,
    pub applicants: usize,
}

const EMPLOYERS_PER_COMPANY: usize = 2;
const BATCH: usize = 5_000;

/// A published job, as the applicant generator needs it.
struct Posted {
    id: i64,
    company: usize,
    family: usize,
    title: String,
    employment_type: &'static str,
    published: PrimitiveDateTime,
}

pub fn gen_data(database: &Db, opts: &GenOptions) -> anyhow::Result<Generated> {
    let started = Instant::now();
    let mut conn = database.pool().get().context("cannot connect to the database")?;
    let existing: i64 = jobs::table.count().get_result(&mut *conn)?;
    let existing_companies: i64 = companies::table.count().get_result(&mut *conn)?;
    if existing > 0 || existing_companies > 0 {
        bail!("gen-data fills an empty database, and this one already has companies or jobs");
    }
    let hash = bcrypt::non_truncating_hash(&opts.password, opts.bcrypt_cost)?;
    if let AnyConnection::Sqlite(c) = &mut *conn {
        // One big transaction: keep its pages in memory instead of spilling them.
        diesel::sql_query("PRAGMA cache_size = -262144").execute(c)?;
        diesel::sql_query("PRAGMA temp_store = MEMORY").execute(c)?;
    }
    let generated = db::transaction(&mut *conn, |c| fill(c, opts, &hash))?;
    let load_time = started.elapsed();
    let phase = Instant::now();
    // Fresh statistics, merged search segments and (PostgreSQL) the
    // visibility map that index-only scans rely on.
    match &mut *conn {
        AnyConnection::Sqlite(c) => {
            diesel::sql_query("INSERT INTO jobs_fts (jobs_fts) VALUES ('optimize')").execute(c)?;
            diesel::sql_query("ANALYZE").execute(c)?;
        }
        AnyConnection::Postgresql(c) => {
            diesel::sql_query("VACUUM ANALYZE").execute(c)?;
        }
    }
    tracing::info!(took = ?phase.elapsed(), "statistics updated");
    tracing::info!(?generated, load = ?load_time, total = ?started.elapsed(), "data generated");
    Ok(generated)
}

fn fill(c: &mut AnyConnection, opts: &GenOptions, hash: &str) -> anyhow::Result<Generated> {
    let mut rng = SmallRng::seed_from_u64(opts.seed);
    let now = db::now();
    let ids = next_ids(c)?;
    let taken_usernames: HashSet<String> = db::schema::users::table
        .select(db::schema::users::username)
        .load::<String>(c)?
        .into_iter()
        .map(|u| u.to_lowercase())
        .collect();
    let mut out = Generated::default();

    // Companies, each with a home city, and their employers.
    let n_companies = opts.companies.unwrap_or((opts.jobs / 100).max(10)).max(1);
    let mut company_rows = Vec::with_capacity(n_companies);
    let mut homes = Vec::with_capacity(n_companies);
    let mut names = Vec::with_capacity(n_companies);
    let mut slugs = HashSet::new();
    for i in 0..n_companies {
        let mut name = text::company_name(&mut rng);
        let mut n = 2;
        while !slugs.insert(db::companies::slugify(&name)) {
            name = format!("{} {}", text::company_name(&mut rng), n);
            n += 1;
        }
        let home = rng.random_range(0..PLACES.len());
        let slug = db::companies::slugify(&name);
        let created = now - Duration::days(rng.random_range(200..2000));
        company_rows.push(CompanyRow {
            id: ids.company + i as i64,
            description: text::company_description(&mut rng, &name, PLACES[home].0),
            website: format!("https://{slug}.example"),
            location: format!("{}, {}", PLACES[home].0, PLACES[home].1),
            slug,
            name: name.clone(),
            logo_path: None,
            created_at: created,
            updated_at: created,
        });
        homes.push(home);
        names.push(name);
    }
    let phase = Instant::now();
    insert_companies(c, &company_rows)?;
    out.companies = n_companies;
    drop(company_rows);

    let mut user_rows = Vec::new();
    let mut next_user = ids.user;
    let mut employers = Vec::with_capacity(n_companies * EMPLOYERS_PER_COMPANY);
    for company in 0..n_companies {
        for _ in 0..EMPLOYERS_PER_COMPANY {
            let n = employers.len() + 1;
            let username = format!("employer{n}");
            if taken_usernames.contains(&username) {
                bail!("a user named {username} exists already");
            }
            let (first, last) = text::person(&mut rng);
            let created = now - Duration::days(rng.random_range(30..400));
            user_rows.push(user_row(
                next_user,
                format!("employer{n}@example.com"),
                username,
                hash,
                "employer",
                Some(ids.company + company as i64),
                format!("{first} {last}"),
                created,
            ));
            employers.push(next_user);
            next_user += 1;
        }
    }
    insert_users(c, &user_rows)?;
    out.employers = employers.len();
    user_rows.clear();

    // Seekers, each with one resume (text only; generated rows have no file).
    let mut seekers: Vec<(i64, i64, String, String, String)> = Vec::with_capacity(opts.seekers);
    let mut resume_rows = Vec::with_capacity(BATCH);
    let mut next_resume = ids.resume;
    for i in 0..opts.seekers {
        let n = i + 1;
        let username = format!("seeker{n}");
        if taken_usernames.contains(&username) {
            bail!("a user named {username} exists already");
        }
        let (first, last) = text::person(&mut rng);
        let email = format!("{}.{}{n}@example.com", text::ascii_name(&first), text::ascii_name(&last));
        let family = &FAMILIES[rng.random_range(0..FAMILIES.len())];
        let place = pick(&mut rng, PLACES);
        let created = now - Duration::days(rng.random_range(1..700));
        let mut row =
            user_row(next_user, email.clone(), username, hash, "seeker", None, format!("{first} {last}"), created);
        row.headline = text::headline(&mut rng, family);
        row.location = format!("{}, {}", place.0, place.1);
        row.phone = text::phone(&mut rng);
        row.skills = text::skills(&mut rng, family);
        user_rows.push(row);
        let resume_text = text::resume(&mut rng, &first, &last, &email, family);
        resume_rows.push(ResumeRow {
            id: next_resume,
            user_id: Some(next_user),
            file_name: format!("{}-{}-resume.pdf", text::ascii_name(&first), text::ascii_name(&last)),
            stored_name: format!("resumes/generated-{next_resume}.pdf"),
            size_bytes: rng.random_range(40_000..900_000),
            text_content: resume_text,
            created_at: created + Duration::hours(rng.random_range(1..48)),
            deleted_at: None,
        });
        seekers.push((next_user, next_resume, format!("{first} {last}"), email, first));
        next_user += 1;
        next_resume += 1;
        if user_rows.len() == BATCH {
            insert_users(c, &user_rows)?;
            insert_resumes(c, &resume_rows)?;
            user_rows.clear();
            resume_rows.clear();
        }
    }
    insert_users(c, &user_rows)?;
    insert_resumes(c, &resume_rows)?;
    user_rows.clear();
    resume_rows.clear();
    out.seekers = seekers.len();
    out.resumes = seekers.len();
    tracing::info!(took = ?phase.elapsed(), "companies, employers, seekers and resumes written");
    let phase = Instant::now();

    // Jobs: some companies post far more than others; most are open.
    let mut posted: Vec<Posted> = Vec::with_capacity(opts.jobs);
    let mut job_rows = Vec::with_capacity(BATCH);
    // Oldest first, so ids grow with time as they do on a real site.
    let mut ages: Vec<i64> = (0..opts.jobs).map(|_| rng.random_range(5..180 * 24 * 60)).collect();
    ages.sort_unstable_by(|a, b| b.cmp(a));
    for (i, age) in ages.into_iter().enumerate() {
        let company = ((rng.random::<f64>().powf(1.6)) * n_companies as f64) as usize % n_companies;
        let family_idx = rng.random_range(0..FAMILIES.len());
        let job = text::job(&mut rng, &FAMILIES[family_idx], &names[company], homes[company], None);
        let status = match rng.random_range(0..100) {
            0..80 => JobStatus::Open,
            80..93 => JobStatus::Closed,
            _ => JobStatus::Draft,
        };
        let age = Duration::minutes(age);
        let (published, closes_at) = match status {
            JobStatus::Draft => (None, rng.random_bool(0.2).then(|| now + Duration::days(rng.random_range(20..90)))),
            JobStatus::Open => {
                (Some(now - age), rng.random_bool(0.3).then(|| now + Duration::hours(rng.random_range(2..24 * 90))))
            }
            JobStatus::Closed => (
                Some(now - age),
                rng.random_bool(0.5).then(|| now - age / 2 + Duration::minutes(rng.random_range(0..60))),
            ),
        };
        let created = published.unwrap_or(now - age) - Duration::minutes(rng.random_range(10..5 * 24 * 60));
        let id = ids.job + i as i64;
        let employer = employers[company * EMPLOYERS_PER_COMPANY + rng.random_range(0..EMPLOYERS_PER_COMPANY)];
        if let Some(published) = published {
            posted.push(Posted {
                id,
                company,
                family: family_idx,
                title: job.title.clone(),
                employment_type: job.employment_type.as_str(),
                published,
            });
        }
        let place = crate::domain::place::from_text(job.remote, &job.location);
        let pay_yearly = opts.rates.best_yearly(job.salary_min, job.salary_max, job.salary_currency, job.salary_period);
        job_rows.push(JobRow {
            id,
            company_id: ids.company + company as i64,
            created_by: Some(employer),
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
        if job_rows.len() == BATCH {
            insert_jobs(c, &job_rows)?;
            job_rows.clear();
        }
    }
    insert_jobs(c, &job_rows)?;
    drop(job_rows);
    out.jobs = opts.jobs;
    tracing::info!(took = ?phase.elapsed(), "jobs written (with their search index)");
    let phase = Instant::now();

    // Applicants: three in four applied on the portal (one application per
    // seeker and job), the rest were added by hand, half of those with a resume.
    if opts.applicants > 0 && posted.is_empty() {
        bail!("applicants need published jobs: ask for more jobs");
    }
    let mut pairs: HashSet<(i64, i64)> = HashSet::with_capacity(opts.applicants);
    let mut applicant_rows = Vec::with_capacity(BATCH);
    let mut manual_resumes = Vec::new();
    for i in 0..opts.applicants {
        let job = &posted[rng.random_range(0..posted.len())];
        let company_id = ids.company + job.company as i64;
        let family = &FAMILIES[if rng.random_bool(0.7) { job.family } else { rng.random_range(0..FAMILIES.len()) }];
        let portal = !seekers.is_empty() && rng.random_bool(0.75);
        let mut seeker = None;
        if portal {
            for _ in 0..4 {
                let s = &seekers[rng.random_range(0..seekers.len())];
                if pairs.insert((job.id, s.0)) {
                    seeker = Some(s);
                    break;
                }
            }
        }
        let (first, last) = text::person(&mut rng);
        let (name, email, first_name, seeker_id, resume_id) = match seeker {
            Some((id, resume, name, email, first)) => {
                (name.clone(), email.clone(), first.clone(), Some(*id), Some(*resume))
            }
            None => {
                let email = format!("{}.{}.{i}@mail.example", text::ascii_name(&first), text::ascii_name(&last));
                let resume = if rng.random_bool(0.5) {
                    let id = next_resume;
                    next_resume += 1;
                    manual_resumes.push(ResumeRow {
                        id,
                        user_id: None,
                        file_name: format!("{}-{}-cv.pdf", text::ascii_name(&first), text::ascii_name(&last)),
                        stored_name: format!("resumes/generated-{id}.pdf"),
                        size_bytes: rng.random_range(40_000..900_000),
                        text_content: text::resume(&mut rng, &first, &last, &email, family),
                        created_at: now,
                        deleted_at: None,
                    });
                    Some(id)
                } else {
                    None
                };
                (format!("{first} {last}"), email, first.clone(), None, resume)
            }
        };
        let max_age = (now - job.published).whole_minutes().max(2);
        let created = job.published + Duration::minutes(rng.random_range(1..max_age));
        let stage = weighted_stage(&mut rng);
        let status = match stage {
            Stage::Hired | Stage::Rejected => ApplicantStatus::Closed,
            _ => match rng.random_range(0..10) {
                0..6 => ApplicantStatus::Open,
                6..9 => ApplicantStatus::Pending,
                _ => ApplicantStatus::Closed,
            },
        };
        let withdrawn = (seeker_id.is_some() && rng.random_bool(0.03))
            .then(|| created + Duration::minutes(rng.random_range(1..(now - created).whole_minutes().max(2))));
        let employer_of_company =
            employers[job.company * EMPLOYERS_PER_COMPANY + rng.random_range(0..EMPLOYERS_PER_COMPANY)];
        applicant_rows.push(ApplicantRow {
            id: ids.applicant + i as i64,
            company_id,
            job_id: Some(job.id),
            seeker_id,
            resume_id,
            assignee_id: rng.random_bool(0.4).then_some(employer_of_company),
            name,
            email,
            phone: text::phone(&mut rng),
            current_company: if rng.random_bool(0.8) { text::company_name(&mut rng) } else { String::new() },
            position: pick(&mut rng, family.titles).to_string(),
            location: {
                let p = pick(&mut rng, PLACES);
                format!("{}, {}", p.0, p.1)
            },
            years_experience: rng.random_bool(0.85).then(|| rng.random_range(0..26)),
            status: if withdrawn.is_some() { "closed".into() } else { status.as_str().into() },
            employment_type: job.employment_type.into(),
            stage: stage.as_str().into(),
            source: if seeker_id.is_some() { "portal".into() } else { "manual".into() },
            cover_letter: if seeker_id.is_some() {
                text::cover_letter(&mut rng, &first_name, &job.title, &names[job.company])
            } else {
                String::new()
            },
            withdrawn_at: withdrawn,
            created_at: created,
            updated_at: created + Duration::minutes(rng.random_range(0..(now - created).whole_minutes().max(1))),
        });
        if applicant_rows.len() == BATCH {
            insert_resumes(c, &manual_resumes)?;
            insert_applicants(c, &applicant_rows)?;
            out.resumes += manual_resumes.len();
            manual_resumes.clear();
            applicant_rows.clear();
        }
    }
    insert_resumes(c, &manual_resumes)?;
    insert_applicants(c, &applicant_rows)?;
    out.resumes += manual_resumes.len();
    out.applicants = opts.applicants;
    fix_sequences(c)?;
    tracing::info!(took = ?phase.elapsed(), "applicants written");
    Ok(out)
}

fn weighted_stage<R: Rng>(rng: &mut R) -> Stage {
    match rng.random_range(0..100) {
        0..40 => Stage::Applied,
        40..60 => Stage::Screening,
        60..75 => Stage::Interview,
        75..80 => Stage::Offer,
        80..85 => Stage::Hired,
        _ => Stage::Rejected,
    }
}

#[allow(clippy::too_many_arguments)]
fn user_row(
    id: i64,
    email: String,
    username: String,
    hash: &str,
    role: &str,
    company_id: Option<i64>,
    display_name: String,
    created: PrimitiveDateTime,
) -> UserRow {
    UserRow {
        id,
        email,
        username,
        password_hash: hash.to_string(),
        role: role.into(),
        company_id,
        display_name,
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
    }
}

/// The command: migrate, generate, print what was made and how to log in.
pub fn run(settings: &crate::config::Settings, opts: &GenOptions) -> anyhow::Result<()> {
    let database = Db::new(&settings.database_url, 1)?;
    database.migrate()?;
    let started = Instant::now();
    let made = gen_data(&database, opts)?;
    println!(
        "Generated in {:.1} s: {} companies, {} employers, {} jobs, {} seekers, {} resumes, {} applicants.",
        started.elapsed().as_secs_f64(),
        made.companies,
        made.employers,
        made.jobs,
        made.seekers,
        made.resumes,
        made.applicants
    );
    println!(
        "Every account's password is {:?}: employer1 … employer{} (employer1 and employer2 are the busiest company's), \
         seeker1 … seeker{}.",
        opts.password, made.employers, made.seekers
    );
    Ok(())
}
