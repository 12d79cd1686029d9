-- The hourly limits on hand-added applicants and e-mails count the last
-- hour's timeline lines of one kind (db::limits).
CREATE INDEX applicant_events_kind_time ON applicant_events (kind, created_at);
