CREATE TABLE seeker_preferences (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    employment_types TEXT NOT NULL DEFAULT '',
    locations TEXT NOT NULL DEFAULT '',
    remote TEXT NOT NULL DEFAULT '',
    salary_min BIGINT,
    categories TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);

-- A resume belongs to a seeker, or (user_id NULL) to the applicant an
-- employer added by hand; it is then reached through that applicant only.
CREATE TABLE resumes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    size_bytes BIGINT NOT NULL,
    text_content TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX resumes_user ON resumes (user_id, id);
