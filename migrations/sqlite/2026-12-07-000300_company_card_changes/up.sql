-- A job's card shows its company's name, address (slug) and logo: a change
-- to any of them changes every job of the company (the search index keeps
-- cards, see src/search/cards.rs).
DROP TRIGGER jobs_version_company;
CREATE TRIGGER jobs_version_company AFTER UPDATE ON companies BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
    INSERT OR IGNORE INTO job_changes (version, job_id)
        SELECT v.version, j.id FROM jobs_version v JOIN jobs j ON j.company_id = NEW.id
        WHERE v.id = 1
          AND (NEW.name IS NOT OLD.name OR NEW.slug IS NOT OLD.slug OR NEW.logo_path IS NOT OLD.logo_path);
END;
