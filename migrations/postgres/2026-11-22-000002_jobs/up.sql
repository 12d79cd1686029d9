CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    remote TEXT NOT NULL DEFAULT 'onsite',
    employment_type TEXT NOT NULL DEFAULT 'full_time',
    category TEXT NOT NULL DEFAULT '',
    salary_min BIGINT,
    salary_max BIGINT,
    salary_currency TEXT NOT NULL DEFAULT 'USD',
    salary_period TEXT NOT NULL DEFAULT 'year',
    status TEXT NOT NULL DEFAULT 'draft',
    closes_at TIMESTAMP,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX jobs_open_recent ON jobs (status, published_at DESC, id DESC);
CREATE INDEX jobs_company ON jobs (company_id, status, id);
CREATE INDEX jobs_closing ON jobs (closes_at) WHERE closes_at IS NOT NULL;

CREATE TABLE saved_jobs (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    job_id BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, job_id)
);

CREATE TABLE job_alerts (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    query TEXT NOT NULL,
    last_job_id BIGINT NOT NULL DEFAULT 0,
    last_sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX job_alerts_user ON job_alerts (user_id);
