-- Composed e-mails carry the company as the sender's name and the employer's
-- address for replies; system e-mails leave both empty.
ALTER TABLE outbox ADD COLUMN from_name TEXT;
ALTER TABLE outbox ADD COLUMN reply_to TEXT;
-- The admin outbox lists newest first within a state.
CREATE INDEX outbox_state_id ON outbox (state, id);
-- Password-reset requests are rate-limited per account and per address.
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);
CREATE INDEX audit_log_action_ip ON audit_log (action, ip, created_at);
