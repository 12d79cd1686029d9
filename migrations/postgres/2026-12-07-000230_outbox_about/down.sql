DROP INDEX outbox_about_applicant;
ALTER TABLE outbox DROP COLUMN about_applicant_id;
