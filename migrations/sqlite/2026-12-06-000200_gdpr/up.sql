-- GDPR: the consent a seeker gave with an application (its text, and when);
-- when an applicant's personal data was erased (account erasure, or the
-- company's retention period for rejected applicants); and that period
-- (NULL: kept until deleted by hand).
ALTER TABLE applicants ADD COLUMN consent TEXT NOT NULL DEFAULT '';
ALTER TABLE applicants ADD COLUMN consented_at TIMESTAMP;
ALTER TABLE applicants ADD COLUMN erased_at TIMESTAMP;
ALTER TABLE companies ADD COLUMN retention_days INTEGER;
CREATE INDEX applicants_retention ON applicants (company_id, updated_at) WHERE stage = 'rejected' AND erased_at IS NULL;
