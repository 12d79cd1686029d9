DROP INDEX audit_log_action_ip;
DROP INDEX password_resets_user;
DROP INDEX outbox_state_id;
ALTER TABLE outbox DROP COLUMN reply_to;
ALTER TABLE outbox DROP COLUMN from_name;
