DROP TABLE applicant_events;
DROP TABLE applicant_notes;
DROP TABLE applicants;
