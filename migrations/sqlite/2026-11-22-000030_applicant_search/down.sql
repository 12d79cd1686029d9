DROP TRIGGER IF EXISTS resumes_fts_update;
DROP TRIGGER IF EXISTS applicants_fts_delete;
DROP TRIGGER IF EXISTS applicants_fts_update;
DROP TRIGGER IF EXISTS applicants_fts_insert;
DROP TABLE IF EXISTS applicants_fts;
