-- Security hardening.
-- One-time links (password reset, e-mail confirmation) are made when the
-- e-mail is sent, never stored in the outbox: a row says which link it needs.
ALTER TABLE outbox ADD COLUMN link_kind TEXT;
ALTER TABLE outbox ADD COLUMN link_user_id BIGINT;
CREATE INDEX outbox_links ON outbox (link_user_id, link_kind, created_at) WHERE link_user_id IS NOT NULL;
-- The one-time tokens table serves both kinds of link.
ALTER TABLE password_resets ADD COLUMN purpose TEXT NOT NULL DEFAULT 'password_reset';
-- Sign-up confirms the e-mail address (only sign-up makes an unconfirmed
-- account; accounts made before, by admins or by the seed are confirmed).
ALTER TABLE users ADD COLUMN email_confirmed BOOLEAN NOT NULL DEFAULT TRUE;
-- A job an admin closed stays closed for its employer.
ALTER TABLE jobs ADD COLUMN closed_by_admin BOOLEAN NOT NULL DEFAULT FALSE;
