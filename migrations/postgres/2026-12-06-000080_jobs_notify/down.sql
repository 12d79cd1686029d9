DROP TRIGGER jobs_version_insert ON jobs;
DROP TRIGGER jobs_version_update ON jobs;
DROP TRIGGER jobs_version_delete ON jobs;
DROP TRIGGER jobs_version_company ON companies;
CREATE OR REPLACE FUNCTION jobs_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER jobs_version_bump AFTER INSERT OR UPDATE OR DELETE ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_version_bump();
CREATE TRIGGER jobs_version_company AFTER UPDATE ON companies
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_version_bump();
