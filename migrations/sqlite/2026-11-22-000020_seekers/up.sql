-- Resume access checks and deletions look applicants up by resume.
CREATE INDEX applicants_resume ON applicants (resume_id);
