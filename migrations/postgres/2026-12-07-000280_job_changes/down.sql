DROP TRIGGER jobs_version_company ON companies;
DROP FUNCTION jobs_version_company();
CREATE OR REPLACE FUNCTION jobs_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    now_at BIGINT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM changed) THEN
        RETURN NULL;
    END IF;
    UPDATE jobs_version SET version = version + 1 WHERE id = 1 RETURNING version INTO now_at;
    PERFORM pg_notify('jobconnect_jobs', now_at::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER jobs_version_company AFTER UPDATE ON companies
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION jobs_version_bump();
ALTER TABLE jobs_version DROP COLUMN changes_from;
ALTER TABLE jobs_version DROP COLUMN index_epoch;
DROP TABLE job_changes;
