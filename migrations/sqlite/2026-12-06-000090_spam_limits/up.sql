-- What a user wrote in the last hour is counted per sender (MESSAGES_PER_HOUR).
CREATE INDEX messages_sender_time ON messages (sender_id, created_at);
