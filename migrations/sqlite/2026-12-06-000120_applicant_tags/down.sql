DROP TABLE applicant_tags;
