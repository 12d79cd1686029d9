-- The applicant list's job filter (a company's newest jobs, titles and
-- statuses) read from the index alone: without it every list page looked up
-- each job's whole row, description included (half the page's CPU).
CREATE INDEX jobs_company_newest ON jobs (company_id, created_at DESC, id DESC, title, status);
