-- Interviews: the company proposes times (slots, stored in UTC, shown in the
-- interview's IANA time zone); the seeker picks one; every change raises the
-- sequence of the calendar invite (RFC 5545) e-mailed to both.
CREATE TABLE interviews (
    id BIGSERIAL PRIMARY KEY,
    applicant_id BIGINT NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    proposed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    status TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    location TEXT NOT NULL,
    timezone TEXT NOT NULL,
    starts_at TIMESTAMP,
    sequence INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX interviews_applicant ON interviews (applicant_id, id);
CREATE INDEX interviews_upcoming ON interviews (starts_at) WHERE status = 'scheduled';
CREATE TABLE interview_slots (
    id BIGSERIAL PRIMARY KEY,
    interview_id BIGINT NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    starts_at TIMESTAMP NOT NULL
);
CREATE INDEX interview_slots_interview ON interview_slots (interview_id, starts_at);
-- An e-mail may carry a calendar invite (text/calendar, RFC 5545).
ALTER TABLE outbox ADD COLUMN calendar TEXT;
