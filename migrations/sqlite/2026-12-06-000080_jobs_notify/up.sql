-- PostgreSQL only: the data version is pushed with NOTIFY there. On SQLite
-- (one instance) reading the version is an in-process read already.
SELECT 1;
