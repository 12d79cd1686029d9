DROP TABLE resumes;
DROP TABLE seeker_preferences;
