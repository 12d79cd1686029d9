DROP TABLE job_alerts;
DROP TABLE saved_jobs;
DROP TABLE jobs;
