-- When the jobs or companies last changed, for the feeds' Last-Modified (the
-- version is their ETag): set whenever the version moves.
ALTER TABLE jobs_version ADD COLUMN changed_at TIMESTAMP NOT NULL DEFAULT '2026-12-06 00:00:00';
UPDATE jobs_version SET changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now');
CREATE TRIGGER jobs_version_stamp AFTER UPDATE OF version ON jobs_version BEGIN
    UPDATE jobs_version SET changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = NEW.id;
END;
