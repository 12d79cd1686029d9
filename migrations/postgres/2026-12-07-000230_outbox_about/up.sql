-- The applicant an e-mail is about when it is not written to them (an
-- employer's notice that names them): erased with the applicant.
ALTER TABLE outbox ADD COLUMN about_applicant_id BIGINT;
CREATE INDEX outbox_about_applicant ON outbox (about_applicant_id) WHERE about_applicant_id IS NOT NULL;
