DROP TRIGGER applicants_fts_insert;
DROP TRIGGER applicants_fts_update;
DROP TRIGGER resumes_fts_update;

CREATE TRIGGER applicants_fts_insert AFTER INSERT ON applicants BEGIN
    INSERT INTO applicants_fts (rowid, name, email, resume, tags)
    VALUES (new.id, new.name, new.email, coalesce((SELECT text_content FROM resumes WHERE id = new.resume_id), ''),
        'company' || new.company_id || ' stage' || new.stage || ' status' || new.status
        || ' type' || replace(new.employment_type, '_', '') || ' assignee' || coalesce(new.assignee_id, 'none')
        || ' job' || coalesce(new.job_id, 'none'));
END;

CREATE TRIGGER applicants_fts_update
AFTER UPDATE OF name, email, resume_id, company_id, stage, status, employment_type, assignee_id, job_id ON applicants
BEGIN
    DELETE FROM applicants_fts WHERE rowid = old.id;
    INSERT INTO applicants_fts (rowid, name, email, resume, tags)
    VALUES (new.id, new.name, new.email, coalesce((SELECT text_content FROM resumes WHERE id = new.resume_id), ''),
        'company' || new.company_id || ' stage' || new.stage || ' status' || new.status
        || ' type' || replace(new.employment_type, '_', '') || ' assignee' || coalesce(new.assignee_id, 'none')
        || ' job' || coalesce(new.job_id, 'none'));
END;

CREATE TRIGGER resumes_fts_update AFTER UPDATE OF text_content ON resumes BEGIN
    DELETE FROM applicants_fts WHERE rowid IN (SELECT id FROM applicants WHERE resume_id = new.id);
    INSERT INTO applicants_fts (rowid, name, email, resume, tags)
    SELECT id, name, email, new.text_content,
        'company' || company_id || ' stage' || stage || ' status' || status
        || ' type' || replace(employment_type, '_', '') || ' assignee' || coalesce(assignee_id, 'none')
        || ' job' || coalesce(job_id, 'none')
    FROM applicants WHERE resume_id = new.id;
END;

DROP VIEW applicant_search_rows;
