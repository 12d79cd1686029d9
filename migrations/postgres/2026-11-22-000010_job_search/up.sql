-- Full-text search over jobs: a tsvector column kept by a trigger, with a GIN
-- index. Weights: A title, B company, C location, D description (the location
-- filter matches lexemes of weight C only). Punctuation is turned into spaces
-- first, so "Node.js" or "TypeScript/React" index the words the search box
-- splits them into. `search_head` holds only title, company and location: it
-- is small enough to stay in the row, so ranking never reads the large vector.
CREATE FUNCTION jobs_search_head(title TEXT, company TEXT, location TEXT)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english'::regconfig, regexp_replace(coalesce(title, ''), '[^[:alnum:]]+', ' ', 'g')), 'A')
        || setweight(to_tsvector('english'::regconfig, regexp_replace(coalesce(company, ''), '[^[:alnum:]]+', ' ', 'g')), 'B')
        || setweight(to_tsvector('english'::regconfig, regexp_replace(coalesce(location, ''), '[^[:alnum:]]+', ' ', 'g')), 'C')
$$;

CREATE FUNCTION jobs_search_vector(title TEXT, description TEXT, company TEXT, location TEXT)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jobs_search_head(title, company, location)
        || setweight(to_tsvector('english'::regconfig, regexp_replace(coalesce(description, ''), '[^[:alnum:]]+', ' ', 'g')), 'D')
$$;

ALTER TABLE jobs ADD COLUMN search tsvector;
ALTER TABLE jobs ADD COLUMN search_head tsvector;
-- Keep the rows narrow: the large vector (read through the GIN index only)
-- and the description (read for the 20 rows of a page) go out of the row, so
-- filtering candidates reads few pages.
ALTER TABLE jobs ALTER COLUMN search SET STORAGE EXTERNAL;
ALTER TABLE jobs SET (toast_tuple_target = 256);

CREATE FUNCTION jobs_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    company_name TEXT := (SELECT name FROM companies WHERE id = NEW.company_id);
BEGIN
    NEW.search_head := jobs_search_head(NEW.title, company_name, NEW.location);
    NEW.search := NEW.search_head
        || setweight(to_tsvector('english'::regconfig, regexp_replace(coalesce(NEW.description, ''), '[^[:alnum:]]+', ' ', 'g')), 'D');
    RETURN NEW;
END
$$;

CREATE TRIGGER jobs_search_refresh BEFORE INSERT OR UPDATE OF title, description, location, company_id ON jobs
    FOR EACH ROW EXECUTE FUNCTION jobs_search_refresh();

CREATE FUNCTION companies_search_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name IS DISTINCT FROM OLD.name THEN
        UPDATE jobs SET search = jobs_search_vector(title, description, NEW.name, location),
                        search_head = jobs_search_head(title, NEW.name, location)
         WHERE company_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER companies_search_rename AFTER UPDATE OF name ON companies
    FOR EACH ROW EXECUTE FUNCTION companies_search_rename();

UPDATE jobs j SET search = jobs_search_vector(j.title, j.description, c.name, j.location),
                  search_head = jobs_search_head(j.title, c.name, j.location)
  FROM companies c WHERE c.id = j.company_id;

CREATE INDEX jobs_search ON jobs USING GIN (search);

-- Listing open jobs newest first, alone or with one equality filter.
DROP INDEX jobs_open_recent;
CREATE INDEX jobs_listing ON jobs (published_at DESC, id DESC) INCLUDE (closes_at) WHERE status = 'open';
CREATE INDEX jobs_listing_remote ON jobs (remote, published_at DESC, id DESC) WHERE status = 'open';
CREATE INDEX jobs_listing_type ON jobs (employment_type, published_at DESC, id DESC) WHERE status = 'open';
CREATE INDEX jobs_listing_category ON jobs (category, published_at DESC, id DESC) WHERE status = 'open';
-- A company page: its open jobs, newest first.
CREATE INDEX jobs_listing_company ON jobs (company_id, published_at DESC, id DESC) WHERE status = 'open';
CREATE INDEX jobs_to_close ON jobs (closes_at) WHERE status = 'open' AND closes_at IS NOT NULL;
CREATE INDEX saved_jobs_recent ON saved_jobs (user_id, created_at DESC);

-- A counter that moves with every change to jobs or companies: cached search
-- results are valid only for the version they were computed at.
CREATE TABLE jobs_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
INSERT INTO jobs_version (id, version) VALUES (1, 0);
CREATE FUNCTION jobs_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER jobs_version_bump AFTER INSERT OR UPDATE OR DELETE ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_version_bump();
CREATE TRIGGER jobs_version_company AFTER UPDATE ON companies
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_version_bump();
