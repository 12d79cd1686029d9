-- The pay-transparency rule a company's job ads fall under: where it demands
-- one, a job is published only with a salary range (domain::PayRule).
ALTER TABLE companies ADD COLUMN pay_rule TEXT NOT NULL DEFAULT 'none';
