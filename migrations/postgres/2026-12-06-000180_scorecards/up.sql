-- Scorecards: a job's criteria, and each interviewer's rating (1-5, with a
-- comment) of an applicant on each. Seen by the company and admins only.
CREATE TABLE scorecard_criteria (
    id BIGSERIAL PRIMARY KEY,
    job_id BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX scorecard_criteria_name ON scorecard_criteria (job_id, lower(name));
CREATE TABLE scorecard_ratings (
    applicant_id BIGINT NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    criterion_id BIGINT NOT NULL REFERENCES scorecard_criteria (id) ON DELETE CASCADE,
    rater_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    rated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (applicant_id, criterion_id, rater_id)
);
