CREATE OR REPLACE FUNCTION jobs_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
