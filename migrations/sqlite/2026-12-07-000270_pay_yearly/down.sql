DROP INDEX jobs_pay_yearly;
ALTER TABLE jobs DROP COLUMN pay_yearly;
