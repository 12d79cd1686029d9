ALTER TABLE applicants DROP COLUMN rejection_reason;
