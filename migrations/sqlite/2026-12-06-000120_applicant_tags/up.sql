-- Tags on applicants (domain::Tag: lower-case words), a company's own
-- vocabulary. The company is kept on the row so a company's tags are listed
-- and filtered by one index, without touching applicants.
CREATE TABLE applicant_tags (
    applicant_id INTEGER NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (applicant_id, tag)
) WITHOUT ROWID;
CREATE INDEX applicant_tags_company ON applicant_tags (company_id, tag, applicant_id);
