DROP TRIGGER jobs_version_stamp;
ALTER TABLE jobs_version DROP COLUMN changed_at;
