DROP INDEX IF EXISTS applicants_search;
DROP TRIGGER IF EXISTS resumes_search_update ON resumes;
DROP FUNCTION IF EXISTS resumes_search_refresh();
DROP TRIGGER IF EXISTS applicants_search_update ON applicants;
DROP TRIGGER IF EXISTS applicants_search_insert ON applicants;
DROP FUNCTION IF EXISTS applicants_search_refresh();
ALTER TABLE applicants DROP COLUMN IF EXISTS search_document;
DROP FUNCTION IF EXISTS applicant_search_document(TEXT, TEXT, TEXT, TEXT);
DROP FUNCTION IF EXISTS applicant_search_tags(BIGINT, TEXT, TEXT, TEXT, BIGINT, BIGINT);
