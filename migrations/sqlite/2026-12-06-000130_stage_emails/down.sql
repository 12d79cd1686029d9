DROP INDEX email_templates_auto_stage;
ALTER TABLE email_templates DROP COLUMN auto_stage;
