DROP INDEX applicants_resume;
