-- A company's team: each employer's role in it (domain::CompanyRole: owner,
-- recruiter, viewer; the employers there are already are owners), and the
-- invitations an owner sends (the link is signed and expires; this row says
-- whether it is still open).
ALTER TABLE users ADD COLUMN company_role TEXT NOT NULL DEFAULT 'owner';
CREATE TABLE company_invites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    invited_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX company_invites_company ON company_invites (company_id, id);
