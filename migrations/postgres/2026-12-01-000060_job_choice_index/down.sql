DROP INDEX IF EXISTS jobs_company_newest;
