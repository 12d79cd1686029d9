-- When the jobs or companies last changed, for the feeds' Last-Modified (the
-- version is their ETag): set whenever the version moves.
ALTER TABLE jobs_version ADD COLUMN changed_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC');
CREATE FUNCTION jobs_version_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_at := clock_timestamp() AT TIME ZONE 'UTC';
    RETURN NEW;
END
$$;
CREATE TRIGGER jobs_version_stamp BEFORE UPDATE OF version ON jobs_version
    FOR EACH ROW EXECUTE FUNCTION jobs_version_stamp();
