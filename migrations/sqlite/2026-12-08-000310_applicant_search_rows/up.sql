-- The words the applicant search indexes, written once (they were written
-- in each trigger and the backfill): the triggers read this view.
-- PostgreSQL has them once already (applicant_search_tags()).
CREATE VIEW applicant_search_rows AS
SELECT a.id, a.name, a.email, coalesce(r.text_content, '') AS resume,
    'company' || a.company_id || ' stage' || a.stage || ' status' || a.status
    || ' type' || replace(a.employment_type, '_', '') || ' assignee' || coalesce(a.assignee_id, 'none')
    || ' job' || coalesce(a.job_id, 'none') AS tags
FROM applicants a LEFT JOIN resumes r ON r.id = a.resume_id;

DROP TRIGGER applicants_fts_insert;
DROP TRIGGER applicants_fts_update;
DROP TRIGGER resumes_fts_update;

CREATE TRIGGER applicants_fts_insert AFTER INSERT ON applicants BEGIN
    INSERT INTO applicants_fts (rowid, name, email, resume, tags)
    SELECT id, name, email, resume, tags FROM applicant_search_rows WHERE id = new.id;
END;

CREATE TRIGGER applicants_fts_update
AFTER UPDATE OF name, email, resume_id, company_id, stage, status, employment_type, assignee_id, job_id ON applicants
BEGIN
    DELETE FROM applicants_fts WHERE rowid = old.id;
    INSERT INTO applicants_fts (rowid, name, email, resume, tags)
    SELECT id, name, email, resume, tags FROM applicant_search_rows WHERE id = new.id;
END;

CREATE TRIGGER resumes_fts_update AFTER UPDATE OF text_content ON resumes BEGIN
    DELETE FROM applicants_fts WHERE rowid IN (SELECT id FROM applicants WHERE resume_id = new.id);
    INSERT INTO applicants_fts (rowid, name, email, resume, tags)
    SELECT s.id, s.name, s.email, s.resume, s.tags
    FROM applicants a JOIN applicant_search_rows s ON s.id = a.id WHERE a.resume_id = new.id;
END;
