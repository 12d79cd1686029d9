-- What a seeker wants to do, one job title a line ("Jobs for you" ranks by it).
ALTER TABLE seeker_preferences ADD COLUMN titles TEXT NOT NULL DEFAULT '';
