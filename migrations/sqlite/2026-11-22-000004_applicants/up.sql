CREATE TABLE applicants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    job_id BIGINT REFERENCES jobs (id) ON DELETE SET NULL,
    seeker_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    resume_id BIGINT REFERENCES resumes (id) ON DELETE SET NULL,
    assignee_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    current_company TEXT NOT NULL DEFAULT '',
    position TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    years_experience INTEGER,
    status TEXT NOT NULL DEFAULT 'open',
    employment_type TEXT NOT NULL DEFAULT 'full_time',
    stage TEXT NOT NULL DEFAULT 'applied',
    source TEXT NOT NULL DEFAULT 'portal',
    cover_letter TEXT NOT NULL DEFAULT '',
    withdrawn_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One application per seeker and job; manual applicants (no seeker) are not limited.
CREATE UNIQUE INDEX applicants_one_per_job ON applicants (job_id, seeker_id);
CREATE INDEX applicants_company_recent ON applicants (company_id, created_at DESC, id DESC);
CREATE INDEX applicants_seeker ON applicants (seeker_id, id);
CREATE INDEX applicants_assignee ON applicants (assignee_id);

CREATE TABLE applicant_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    applicant_id BIGINT NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX applicant_notes_applicant ON applicant_notes (applicant_id, id);

-- The timeline: stage changes, assignments, e-mails, messages, edits.
CREATE TABLE applicant_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    applicant_id BIGINT NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    outbox_id BIGINT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX applicant_events_applicant ON applicant_events (applicant_id, id);
