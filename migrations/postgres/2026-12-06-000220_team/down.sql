DROP TABLE company_invites;
ALTER TABLE users DROP COLUMN company_role;
