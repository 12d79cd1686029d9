-- A company's e-mail template may be sent automatically when one of its
-- applicants is moved to a stage (domain::Stage); one template per stage.
ALTER TABLE email_templates ADD COLUMN auto_stage TEXT;
CREATE UNIQUE INDEX email_templates_auto_stage ON email_templates (company_id, auto_stage) WHERE auto_stage IS NOT NULL;
