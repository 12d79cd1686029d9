DROP TABLE audit_log;
DROP TABLE login_failures;
DROP TABLE users;
DROP TABLE companies;
