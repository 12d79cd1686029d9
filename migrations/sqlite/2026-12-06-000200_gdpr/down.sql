DROP INDEX applicants_retention;
ALTER TABLE companies DROP COLUMN retention_days;
ALTER TABLE applicants DROP COLUMN erased_at;
ALTER TABLE applicants DROP COLUMN consented_at;
ALTER TABLE applicants DROP COLUMN consent;
