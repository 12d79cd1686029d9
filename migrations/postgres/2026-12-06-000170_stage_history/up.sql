-- Every stage (category) an applicant entered and when, for the hiring
-- funnel and time-to-hire (reports): the current stage alone forgets how far
-- a rejected applicant got. Entering "applied" is the applicant's created_at.
CREATE TABLE applicant_stages (
    applicant_id BIGINT NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    entered_at TIMESTAMP NOT NULL
);
CREATE INDEX applicant_stages_applicant ON applicant_stages (applicant_id, entered_at);
-- What is known of the applicants that exist: where they are.
INSERT INTO applicant_stages (applicant_id, stage, entered_at)
    SELECT id, stage, updated_at FROM applicants WHERE stage <> 'applied';
