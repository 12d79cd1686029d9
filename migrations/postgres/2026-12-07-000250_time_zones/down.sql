ALTER TABLE users DROP COLUMN timezone;
ALTER TABLE companies DROP COLUMN timezone;
