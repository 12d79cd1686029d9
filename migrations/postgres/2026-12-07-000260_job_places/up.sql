-- Structured places: the city, region and ISO 3166-1 alpha-2 country of a
-- job done on site, and the countries remote candidates may live in (alpha-2
-- codes separated by spaces; empty: anywhere). `location` stays the label.
ALTER TABLE jobs ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN remote_countries TEXT NOT NULL DEFAULT '';

-- One-time data fixes done in Rust after the migrations (`db::data_fixes`):
-- a fix's row is written in the transaction that does it, once per site.
CREATE TABLE data_fixes (
    name TEXT PRIMARY KEY NOT NULL,
    done_at TIMESTAMP NOT NULL
);
