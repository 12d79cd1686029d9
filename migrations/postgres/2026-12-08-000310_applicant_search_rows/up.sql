-- SQLite writes the applicant search words once in a view (same version
-- there); PostgreSQL has them once already (applicant_search_tags()).
SELECT 1;
