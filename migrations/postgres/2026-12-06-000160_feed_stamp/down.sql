DROP TRIGGER jobs_version_stamp ON jobs_version;
DROP FUNCTION jobs_version_stamp();
ALTER TABLE jobs_version DROP COLUMN changed_at;
