-- Why an applicant was rejected (domain::RejectionReason); set when moved to
-- the rejected stage, cleared when moved out of it. The timeline keeps each.
ALTER TABLE applicants ADD COLUMN rejection_reason TEXT;
