-- Applicant search: a tsvector per applicant over the name, the e-mail and
-- the text of the linked resume, plus the list's filters as tag words
-- (company7@tag.jc stageinterview@tag.jc statusopen@tag.jc typefulltime@tag.jc
-- assigneenone@tag.jc job12@tag.jc), so the GIN index alone answers a
-- filtered search. The parser keeps such a token whole, and searched text
-- never holds an '@' (it is split on anything but letters and digits, as the
-- SQLite index does), so a typed word never meets a tag. No weights: a
-- weighted query makes every row be re-checked from the table.
-- Triggers keep it in step with applicants and resumes, whoever writes them.
CREATE FUNCTION applicant_search_tags(company_id BIGINT, stage TEXT, status TEXT, employment_type TEXT,
                                      assignee_id BIGINT, job_id BIGINT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 'company' || company_id || '@tag.jc stage' || stage || '@tag.jc status' || status
        || '@tag.jc type' || replace(employment_type, '_', '') || '@tag.jc assignee'
        || coalesce(assignee_id::text, 'none') || '@tag.jc job' || coalesce(job_id::text, 'none') || '@tag.jc'
$$;

CREATE FUNCTION applicant_search_document(name TEXT, email TEXT, resume TEXT, tags TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('simple', regexp_replace(coalesce(name, ''), '[^[:alnum:]]+', ' ', 'g'))
        || to_tsvector('simple', regexp_replace(coalesce(email, ''), '[^[:alnum:]]+', ' ', 'g'))
        || to_tsvector('simple', tags)
        || to_tsvector('simple', regexp_replace(coalesce(resume, ''), '[^[:alnum:]]+', ' ', 'g'))
$$;

ALTER TABLE applicants ADD COLUMN search_document tsvector NOT NULL DEFAULT ''::tsvector;

CREATE FUNCTION applicants_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := applicant_search_document(
        NEW.name, NEW.email, (SELECT text_content FROM resumes WHERE id = NEW.resume_id),
        applicant_search_tags(NEW.company_id, NEW.stage, NEW.status, NEW.employment_type, NEW.assignee_id, NEW.job_id));
    RETURN NEW;
END
$$;

CREATE TRIGGER applicants_search_insert BEFORE INSERT ON applicants
    FOR EACH ROW EXECUTE FUNCTION applicants_search_refresh();
CREATE TRIGGER applicants_search_update
    BEFORE UPDATE OF name, email, resume_id, company_id, stage, status, employment_type, assignee_id, job_id
    ON applicants FOR EACH ROW EXECUTE FUNCTION applicants_search_refresh();

CREATE FUNCTION resumes_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE applicants SET search_document = applicant_search_document(name, email, NEW.text_content,
        applicant_search_tags(company_id, stage, status, employment_type, assignee_id, job_id))
    WHERE resume_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER resumes_search_update AFTER UPDATE OF text_content ON resumes
    FOR EACH ROW WHEN (OLD.text_content IS DISTINCT FROM NEW.text_content)
    EXECUTE FUNCTION resumes_search_refresh();

-- The resume trigger finds the applicants of a resume through the index
-- applicants_resume (made by 2026-11-22-000020_seekers).

-- The applicants that exist already.
UPDATE applicants a SET search_document = applicant_search_document(a.name, a.email, r.text_content,
    applicant_search_tags(a.company_id, a.stage, a.status, a.employment_type, a.assignee_id, a.job_id))
FROM resumes r WHERE r.id = a.resume_id;
UPDATE applicants SET search_document = applicant_search_document(name, email, NULL,
    applicant_search_tags(company_id, stage, status, employment_type, assignee_id, job_id))
WHERE resume_id IS NULL;

CREATE INDEX applicants_search ON applicants USING gin (search_document);
