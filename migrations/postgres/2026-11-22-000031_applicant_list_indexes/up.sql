-- The applicant list at 200,000 rows. Newest first is arrival order (id).
-- Each sort has an ordered index that also carries every filter column, so a
-- filtered page or a capped count reads index entries only and stops early;
-- a job or an assignee filter starts from its own (small) range instead.
-- These replace the list's created_at and assignee indexes of the foundation.
DROP INDEX IF EXISTS applicants_company_recent;
DROP INDEX IF EXISTS applicants_assignee;
CREATE INDEX applicants_company_list
    ON applicants (company_id, id, stage, status, employment_type, assignee_id, job_id);
CREATE INDEX applicants_company_name
    ON applicants (company_id, lower(name), id, stage, status, employment_type, assignee_id, job_id);
CREATE INDEX applicants_company_updated
    ON applicants (company_id, updated_at, id, stage, status, employment_type, assignee_id, job_id);
-- The same expression as the list's "pipeline stage" order.
CREATE INDEX applicants_company_stage_order ON applicants (company_id,
    (CASE stage WHEN 'applied' THEN 0 WHEN 'screening' THEN 1 WHEN 'interview' THEN 2
     WHEN 'offer' THEN 3 WHEN 'hired' THEN 4 ELSE 5 END), id DESC, status, employment_type, assignee_id, job_id);
-- Stage first: a stage with status, type or assignee is one short range.
CREATE INDEX applicants_company_filter
    ON applicants (company_id, stage, status, employment_type, assignee_id, job_id, id);
CREATE INDEX applicants_job_list ON applicants (job_id, company_id, id, stage, status, employment_type, assignee_id);
CREATE INDEX applicants_assignee_list
    ON applicants (assignee_id, company_id, id, stage, status, employment_type, job_id);
-- Admins list every company: the sorts no other index serves.
CREATE INDEX applicants_name ON applicants (lower(name), id);
CREATE INDEX applicants_updated ON applicants (updated_at, id);
CREATE INDEX applicants_stage_order ON applicants ((CASE stage WHEN 'applied' THEN 0 WHEN 'screening' THEN 1
    WHEN 'interview' THEN 2 WHEN 'offer' THEN 3 WHEN 'hired' THEN 4 ELSE 5 END), id DESC);
