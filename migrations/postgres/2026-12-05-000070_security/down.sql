ALTER TABLE jobs DROP COLUMN closed_by_admin;
ALTER TABLE users DROP COLUMN email_confirmed;
ALTER TABLE password_resets DROP COLUMN purpose;
DROP INDEX outbox_links;
ALTER TABLE outbox DROP COLUMN link_user_id;
ALTER TABLE outbox DROP COLUMN link_kind;
