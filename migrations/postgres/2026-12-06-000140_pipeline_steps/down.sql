ALTER TABLE applicants DROP COLUMN step_id;
DROP TABLE company_steps;
