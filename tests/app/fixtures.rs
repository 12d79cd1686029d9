#![allow(dead_code)] // fixtures for every area
//! Records made straight in the database, for tests whose subject is
//! something else (a CRM test needs applicants, not the apply form).
//! The behaviour under test always goes through HTTP.

use diesel::prelude::*;
use jobconnect::db::schema::jobs;
use jobconnect::db::schema::{applicants as applicants_table, resumes, users};
use jobconnect::db::{self, applicants};
use jobconnect::domain::{ApplicantSource, ApplicantStatus, EmploymentType, Stage};

use crate::helpers::{TestApp, TestUser};

impl TestApp {
    /// The company of an employer.
    /// The newest row's id of a table (0 when empty).
    pub async fn max_id(&self, table: &'static str) -> i64 {
        self.scalar(format!("SELECT COALESCE(MAX(id), 0) FROM {table}")).await
    }

    pub async fn company_slug(&self, company_id: i64) -> String {
        self.db.run(move |c| db::companies::find(c, company_id)).await.unwrap().slug
    }

    pub async fn company_of(&self, employer: &TestUser) -> i64 {
        let id = employer.id;
        self.db.run(move |c| db::users::find(c, id)).await.unwrap().company_id.expect("an employer has a company")
    }

    /// A member of a company's team with `role` (`recruiter`, `viewer`,
    /// `owner`), logged in. Joining by invitation is the subject of
    /// tests/app/team.rs.
    pub async fn team_member(&self, name: &str, company_id: i64, role: &'static str) -> TestUser {
        let member = self.account(name, jobconnect::domain::Role::Employer, None).await;
        let id = member.id;
        self.db
            .run(move |c| {
                diesel::update(users::table.find(id))
                    .set((users::company_id.eq(company_id), users::company_role.eq(role)))
                    .execute(c)
            })
            .await
            .unwrap();
        member
    }

    /// An open job of the company, published now.
    pub async fn open_job(&self, company_id: i64, title: &str) -> i64 {
        self.insert_job(company_id, title, "open").await
    }

    /// A job in any status (`draft`, `open`, `closed`).
    pub async fn insert_job(&self, company_id: i64, title: &str, status: &'static str) -> i64 {
        let title = title.to_string();
        self.db
            .run(move |c| {
                let now = db::now();
                diesel::insert_into(jobs::table)
                    .values((
                        jobs::company_id.eq(company_id),
                        jobs::title.eq(&title),
                        jobs::description.eq(format!("{title}: a role on a friendly team.")),
                        jobs::location.eq("Berlin"),
                        jobs::status.eq(status),
                        jobs::published_at.eq((status != "draft").then_some(now)),
                        jobs::created_at.eq(now),
                        jobs::updated_at.eq(now),
                    ))
                    .returning(jobs::id)
                    .get_result::<i64>(c)
            })
            .await
            .unwrap()
    }

    /// An applicant of the company (added by hand, or for a seeker when given).
    pub async fn insert_applicant(
        &self,
        company_id: i64,
        job_id: Option<i64>,
        name: &str,
        seeker_id: Option<i64>,
    ) -> i64 {
        let name = name.to_string();
        self.db
            .run(move |c| {
                let now = db::now();
                let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
                applicants::insert(
                    c,
                    &applicants::NewApplicant {
                        company_id,
                        job_id,
                        seeker_id,
                        resume_id: None,
                        name: &name,
                        email: &email,
                        phone: "",
                        current_company: "",
                        position: "",
                        location: "",
                        years_experience: None,
                        status: ApplicantStatus::Open,
                        employment_type: EmploymentType::FullTime,
                        stage: Stage::Applied,
                        source: if seeker_id.is_some() { ApplicantSource::Portal } else { ApplicantSource::Manual },
                        cover_letter: "",
                        created_at: now,
                        updated_at: now,
                    },
                )
                .map(|a| a.id)
            })
            .await
            .unwrap()
    }

    /// A resume row (no file behind it) with this text: a seeker's, or (None)
    /// one uploaded by hand with an applicant.
    pub async fn insert_resume(&self, user_id: Option<i64>, text: &str) -> i64 {
        let text = text.to_string();
        self.db
            .run(move |c| {
                db::resumes::insert(
                    c,
                    &db::resumes::NewResume {
                        user_id,
                        file_name: "resume.pdf",
                        stored_name: &format!("resumes/{}.pdf", uuid::Uuid::new_v4().simple()),
                        size_bytes: 1234,
                        text_content: &text,
                        created_at: db::now(),
                    },
                )
                .map(|r| r.id)
            })
            .await
            .unwrap()
    }

    /// Links a resume to an applicant (as applying with it does).
    pub async fn link_resume(&self, applicant_id: i64, resume_id: i64) {
        self.db
            .run(move |c| {
                diesel::update(applicants_table::table.find(applicant_id))
                    .set(applicants_table::resume_id.eq(resume_id))
                    .execute(c)
            })
            .await
            .unwrap();
    }

    /// Replaces the text of a resume (as re-extracting it would).
    pub async fn set_resume_text(&self, resume_id: i64, text: &str) {
        let text = text.to_string();
        self.db
            .run(move |c| diesel::update(resumes::table.find(resume_id)).set(resumes::text_content.eq(text)).execute(c))
            .await
            .unwrap();
    }

    /// Puts an applicant at a stage, status, type and assignee directly.
    pub async fn set_applicant_state(
        &self,
        id: i64,
        stage: Stage,
        status: ApplicantStatus,
        kind: EmploymentType,
        assignee: Option<i64>,
    ) {
        self.db
            .run(move |c| {
                diesel::update(applicants_table::table.find(id))
                    .set((
                        applicants_table::stage.eq(stage),
                        applicants_table::status.eq(status),
                        applicants_table::employment_type.eq(kind),
                        applicants_table::assignee_id.eq(assignee),
                    ))
                    .execute(c)
            })
            .await
            .unwrap();
    }

    /// Marks an application withdrawn by its seeker.
    pub async fn withdraw_applicant(&self, id: i64) {
        self.db
            .run(move |c| {
                diesel::update(applicants_table::table.find(id))
                    .set(applicants_table::withdrawn_at.eq(Some(db::now())))
                    .execute(c)
            })
            .await
            .unwrap();
    }

    /// The applicant row as stored, or None when it is gone.
    pub async fn applicant(&self, id: i64) -> Option<applicants::Applicant> {
        self.db.run(move |c| applicants::find(c, id).optional()).await.unwrap()
    }

    /// Deactivates a user (as an admin would).
    pub async fn deactivate(&self, user_id: i64) {
        self.db
            .run(move |c| diesel::update(users::table.find(user_id)).set(users::is_active.eq(false)).execute(c))
            .await
            .unwrap();
    }

    /// Many applicants of a company at once (named `{prefix} {i}`, added in
    /// order i = 0, 1, …; stages cycling through the pipeline). Returns their ids.
    pub async fn insert_many_applicants(&self, company_id: i64, n: usize, prefix: &str) -> Vec<i64> {
        let prefix = prefix.to_string();
        self.db
            .run(move |c| {
                let now = db::now();
                let names: Vec<(String, String)> = (0..n)
                    .map(|i| {
                        (
                            format!("{prefix} {i:04}"),
                            format!("{}.{i}@example.com", prefix.to_lowercase().replace(' ', ".")),
                        )
                    })
                    .collect();
                db::transaction(c, |c| {
                    let mut ids = Vec::new();
                    for (i, (name, email)) in names.iter().enumerate() {
                        let row = applicants::NewApplicant {
                            company_id,
                            job_id: None,
                            seeker_id: None,
                            resume_id: None,
                            name,
                            email,
                            phone: "",
                            current_company: "",
                            position: "",
                            location: "",
                            years_experience: None,
                            status: ApplicantStatus::Open,
                            employment_type: EmploymentType::FullTime,
                            stage: Stage::ALL[i % Stage::ALL.len()],
                            source: ApplicantSource::Manual,
                            cover_letter: "",
                            created_at: now,
                            updated_at: now,
                        };
                        ids.push(applicants::insert(c, &row)?.id);
                    }
                    Ok::<_, diesel::result::Error>(ids)
                })
            })
            .await
            .unwrap()
    }
}

/// A job with chosen fields, straight into the database (jobs area).
pub struct JobFixture<'a> {
    app: &'a TestApp,
    company_id: i64,
    title: String,
    description: String,
    location: String,
    remote: &'static str,
    employment_type: &'static str,
    category: String,
    salary: (Option<i64>, Option<i64>, &'static str),
    currency: Option<&'static str>,
    status: &'static str,
    closes_at: Option<time::PrimitiveDateTime>,
}

impl<'a> JobFixture<'a> {
    pub fn description(mut self, text: &str) -> Self {
        self.description = text.into();
        self
    }
    pub fn location(mut self, text: &str) -> Self {
        self.location = text.into();
        self
    }
    pub fn remote(mut self, mode: &'static str) -> Self {
        self.remote = mode;
        self
    }
    pub fn employment_type(mut self, t: &'static str) -> Self {
        self.employment_type = t;
        self
    }
    pub fn category(mut self, c: &str) -> Self {
        self.category = c.into();
        self
    }
    pub fn salary(mut self, min: Option<i64>, max: Option<i64>, period: &'static str) -> Self {
        self.salary = (min, max, period);
        self
    }
    pub fn currency(mut self, currency: &'static str) -> Self {
        self.currency = Some(currency);
        self
    }
    pub fn status(mut self, status: &'static str) -> Self {
        self.status = status;
        self
    }
    pub fn closes_at(mut self, at: time::PrimitiveDateTime) -> Self {
        self.closes_at = Some(at);
        self
    }

    pub async fn insert(self) -> i64 {
        let JobFixture {
            app,
            company_id,
            title,
            description,
            location,
            remote,
            employment_type,
            category,
            salary,
            currency,
            status,
            closes_at,
        } = self;
        // The place read from the text, as the data fix reads older jobs.
        let mode = remote.parse::<jobconnect::domain::RemoteMode>().expect("a work place");
        let place = jobconnect::domain::place::from_text(mode, &location);
        // Euros unless told (the column's default is USD); the yearly pay as a
        // save through the form stores it.
        let period = salary.2.parse().expect("a pay period");
        let currency = currency.unwrap_or("EUR");
        let pay_yearly = jobconnect::domain::money::Rates::shipped().best_yearly(salary.0, salary.1, currency, period);
        app.db
            .run(move |c| {
                let now = db::now();
                diesel::insert_into(jobs::table)
                    .values((
                        jobs::company_id.eq(company_id),
                        jobs::title.eq(&title),
                        jobs::description.eq(&description),
                        jobs::location.eq(&location),
                        jobs::city.eq(&place.city),
                        jobs::region.eq(&place.region),
                        jobs::country.eq(&place.country),
                        jobs::remote_countries.eq(place.remote_codes()),
                        jobs::pay_yearly.eq(pay_yearly),
                        jobs::salary_currency.eq(currency),
                        jobs::remote.eq(remote),
                        jobs::employment_type.eq(employment_type),
                        jobs::category.eq(&category),
                        jobs::salary_min.eq(salary.0),
                        jobs::salary_max.eq(salary.1),
                        jobs::salary_period.eq(salary.2),
                        jobs::status.eq(status),
                        jobs::closes_at.eq(closes_at),
                        jobs::published_at.eq((status != "draft").then_some(now)),
                        jobs::created_at.eq(now),
                        jobs::updated_at.eq(now),
                    ))
                    .returning(jobs::id)
                    .get_result::<i64>(c)
            })
            .await
            .unwrap()
    }
}

impl TestApp {
    /// A job to shape before inserting: open, on-site, full-time, in Berlin.
    pub fn job(&self, company_id: i64, title: &str) -> JobFixture<'_> {
        JobFixture {
            app: self,
            company_id,
            title: title.into(),
            description: format!("{title}: a role on a friendly team."),
            location: "Berlin, Germany".into(),
            remote: "onsite",
            employment_type: "full_time",
            category: "Engineering".into(),
            salary: (None, None, "year"),
            currency: None,
            status: "open",
            closes_at: None,
        }
    }

    /// The stored status of a job.
    pub async fn job_status(&self, id: i64) -> String {
        self.db.run(move |c| db::jobs::find(c, id).map(|j| j.status.as_str().to_string())).await.unwrap()
    }

    /// Sets a job's closing date directly.
    pub async fn set_closes_at(&self, id: i64, at: Option<time::PrimitiveDateTime>) {
        self.db
            .run(move |c| diesel::update(jobs::table.find(id)).set(jobs::closes_at.eq(at)).execute(c))
            .await
            .unwrap();
    }
}

/// A small valid PDF with one line of text (Helvetica), so text extraction
/// can be checked. Offsets in the cross-reference table are computed.
pub fn pdf_with_text(text: &str) -> Vec<u8> {
    let escaped = text.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
    let content = format!("BT /F1 18 Tf 72 720 Td ({escaped}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}
