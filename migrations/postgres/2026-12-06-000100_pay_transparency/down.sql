ALTER TABLE companies DROP COLUMN pay_rule;
