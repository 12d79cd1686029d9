-- Duplicate candidates within a company: the same e-mail (any case), or the
-- same phone number written differently (only its digits count; the
-- expression is db::applicants::duplicates::PHONE_KEY, written the same way
-- so the index serves it).
CREATE INDEX applicants_company_email ON applicants (company_id, lower(email));
CREATE INDEX applicants_company_phone ON applicants (company_id, (replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(phone), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), ',', ''), '/', ''), 'x', '')));

-- A merge hides one record behind another of the same company and keeps
-- everything it holds (notes, timeline, messages), so it can be undone.
ALTER TABLE applicants ADD COLUMN merged_into BIGINT REFERENCES applicants (id) ON DELETE SET NULL;
ALTER TABLE applicants ADD COLUMN merged_at TIMESTAMP;
CREATE INDEX applicants_merged ON applicants (merged_into, id) WHERE merged_into IS NOT NULL;
