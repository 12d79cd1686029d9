-- Messages carry their thread's two sides, so the counts and feeds of a
-- seeker or a company read one index instead of joining every applicant.
ALTER TABLE messages ADD COLUMN company_id BIGINT;
ALTER TABLE messages ADD COLUMN seeker_id BIGINT;
ALTER TABLE messages ADD COLUMN from_seeker BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX messages_company_feed ON messages (company_id, id);
CREATE INDEX messages_seeker_feed ON messages (seeker_id, id);
CREATE INDEX messages_unread_by_company ON messages (company_id) WHERE read_at IS NULL AND from_seeker;
CREATE INDEX messages_unread_by_seeker ON messages (seeker_id) WHERE read_at IS NULL AND NOT from_seeker;
CREATE INDEX messages_sender ON messages (sender_id, applicant_id);

-- The bell count on every page.
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- Who has an open WebSocket on which instance (one row per instance and
-- user, refreshed by the instance's heartbeat): decides whether a message is
-- also e-mailed.
CREATE TABLE live_presence (
    instance_id TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, user_id)
);
CREATE INDEX live_presence_user ON live_presence (user_id, seen_at);
