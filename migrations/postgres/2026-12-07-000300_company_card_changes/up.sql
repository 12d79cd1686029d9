-- A job's card shows its company's name, address (slug) and logo: a change
-- to any of them changes every job of the company (the search index keeps
-- cards, see src/search/cards.rs).
CREATE OR REPLACE FUNCTION jobs_version_company() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    now_at BIGINT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM changed) THEN
        RETURN NULL;
    END IF;
    UPDATE jobs_version SET version = version + 1 WHERE id = 1 RETURNING version INTO now_at;
    INSERT INTO job_changes (version, job_id)
        SELECT now_at, j.id FROM changed c JOIN before b ON b.id = c.id JOIN jobs j ON j.company_id = c.id
        WHERE c.name IS DISTINCT FROM b.name OR c.slug IS DISTINCT FROM b.slug
           OR c.logo_path IS DISTINCT FROM b.logo_path;
    PERFORM pg_notify('jobconnect_jobs', now_at::text);
    RETURN NULL;
END
$$;
