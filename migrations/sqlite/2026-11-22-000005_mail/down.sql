DROP TABLE password_resets;
DROP TABLE email_templates;
DROP TABLE outbox;
