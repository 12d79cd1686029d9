-- A company's own pipeline: named steps, each inside one of the six stage
-- categories (domain::Stage), so filters, counts, reports and URLs that speak
-- of categories keep working. An applicant at a step has both: `stage` (the
-- category) and `step_id`. Deleting a step leaves its applicants at the
-- category.
CREATE TABLE company_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX company_steps_name ON company_steps (company_id, lower(name));
CREATE INDEX company_steps_order ON company_steps (company_id, position);
ALTER TABLE applicants ADD COLUMN step_id BIGINT REFERENCES company_steps (id) ON DELETE SET NULL;
