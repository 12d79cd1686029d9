DROP INDEX applicants_merged;
DROP INDEX applicants_company_phone;
DROP INDEX applicants_company_email;
ALTER TABLE applicants DROP COLUMN merged_at;
ALTER TABLE applicants DROP COLUMN merged_into;
