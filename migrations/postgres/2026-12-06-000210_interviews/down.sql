DROP TABLE interview_slots;
DROP TABLE interviews;
ALTER TABLE outbox DROP COLUMN calendar;
