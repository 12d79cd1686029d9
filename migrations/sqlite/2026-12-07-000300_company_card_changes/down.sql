DROP TRIGGER jobs_version_company;
CREATE TRIGGER jobs_version_company AFTER UPDATE ON companies BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
    INSERT OR IGNORE INTO job_changes (version, job_id)
        SELECT v.version, j.id FROM jobs_version v JOIN jobs j ON j.company_id = NEW.id
        WHERE v.id = 1 AND NEW.name IS NOT OLD.name;
END;
