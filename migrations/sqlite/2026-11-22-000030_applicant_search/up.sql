-- Applicant search: one full-text row per applicant (rowid = applicants.id)
-- over the name, the e-mail and the text of the linked resume, plus `tags`:
-- the list's filters as words (company7 stageinterview statusopen
-- typefulltime assigneenone job12), so a filtered search is answered by the
-- index alone, newest first, stopping at the page. Contentless (the text
-- lives in applicants and resumes); triggers keep it in step with both
-- tables, whoever writes them.
CREATE VIRTUAL TABLE applicants_fts USING fts5(
    name, email, resume, tags,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- The resume trigger finds the applicants of a resume through the index
-- applicants_resume (made by 2026-11-22-000020_seekers).

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

CREATE TRIGGER applicants_fts_delete AFTER DELETE ON applicants BEGIN
    DELETE FROM applicants_fts WHERE rowid = old.id;
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

-- The applicants that exist already.
INSERT INTO applicants_fts (rowid, name, email, resume, tags)
SELECT a.id, a.name, a.email, coalesce(r.text_content, ''),
    'company' || a.company_id || ' stage' || a.stage || ' status' || a.status
    || ' type' || replace(a.employment_type, '_', '') || ' assignee' || coalesce(a.assignee_id, 'none')
    || ' job' || coalesce(a.job_id, 'none')
FROM applicants a LEFT JOIN resumes r ON r.id = a.resume_id;
