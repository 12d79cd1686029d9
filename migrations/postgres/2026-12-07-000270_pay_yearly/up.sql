-- A job's best pay as a yearly amount in the site's reference currency
-- (domain::money), for the minimum-pay filter; NULL: no pay or an unknown currency.
ALTER TABLE jobs ADD COLUMN pay_yearly BIGINT;
CREATE INDEX jobs_pay_yearly ON jobs (pay_yearly);
