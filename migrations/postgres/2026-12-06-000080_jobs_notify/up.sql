-- Every change to jobs or companies also tells every instance the new data
-- version (db::jobs::KnownVersion): cached search pages need no round trip
-- to learn whether they are still current. A statement that changed no row
-- (the closing task finding nothing to close, say) moves nothing: each
-- trigger sees the rows its statement changed.
DROP TRIGGER jobs_version_bump ON jobs;
DROP TRIGGER jobs_version_company ON companies;
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
CREATE TRIGGER jobs_version_insert AFTER INSERT ON jobs
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION jobs_version_bump();
CREATE TRIGGER jobs_version_update AFTER UPDATE ON jobs
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION jobs_version_bump();
CREATE TRIGGER jobs_version_delete AFTER DELETE ON jobs
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION jobs_version_bump();
CREATE TRIGGER jobs_version_company AFTER UPDATE ON companies
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION jobs_version_bump();
