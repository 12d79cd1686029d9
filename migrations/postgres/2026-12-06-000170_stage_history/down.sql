DROP TABLE applicant_stages;
