DROP TRIGGER jobs_version_insert;
DROP TRIGGER jobs_version_update;
DROP TRIGGER jobs_version_delete;
DROP TRIGGER jobs_version_company;
CREATE TRIGGER jobs_version_insert AFTER INSERT ON jobs BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER jobs_version_update AFTER UPDATE ON jobs BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER jobs_version_delete AFTER DELETE ON jobs BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER jobs_version_company AFTER UPDATE ON companies BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
END;
ALTER TABLE jobs_version DROP COLUMN changes_from;
ALTER TABLE jobs_version DROP COLUMN index_epoch;
DROP TABLE job_changes;
