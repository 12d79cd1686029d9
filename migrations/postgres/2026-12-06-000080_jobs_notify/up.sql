-- Every change to jobs or companies also tells every instance the new data
-- version (db::jobs::KnownVersion): cached search pages need no round trip
-- to learn whether they are still current.
CREATE OR REPLACE FUNCTION jobs_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    now_at BIGINT;
BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1 RETURNING version INTO now_at;
    PERFORM pg_notify('jobconnect_jobs', now_at::text);
    RETURN NULL;
END
$$;
