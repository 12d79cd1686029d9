ALTER TABLE seeker_preferences DROP COLUMN titles;
