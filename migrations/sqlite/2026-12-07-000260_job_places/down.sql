DROP TABLE data_fixes;
ALTER TABLE jobs DROP COLUMN remote_countries;
ALTER TABLE jobs DROP COLUMN country;
ALTER TABLE jobs DROP COLUMN region;
ALTER TABLE jobs DROP COLUMN city;
