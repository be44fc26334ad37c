-- pam_mfa: the schema of the PostgreSQL store, version 1.
--
-- Run by `mfa-enroll store init` (the plug-in runs exactly this text,
-- built into it), or by hand: psql -v ON_ERROR_STOP=1 -f schema.sql.
-- Creates the schema or upgrades an older one, in one transaction;
-- running it again changes nothing.  A schema newer than this file is
-- left alone (error MFAV1).
BEGIN;

-- One `store init` at a time, across every host.
SELECT pg_advisory_xact_lock(1296449841, 0);

CREATE SCHEMA IF NOT EXISTS pam_mfa;

-- One row: the version of the tables below.
CREATE TABLE IF NOT EXISTS pam_mfa.schema_version (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	version integer NOT NULL
);

DO $check$
BEGIN
	IF (SELECT max(version) FROM pam_mfa.schema_version) > 1 THEN
		RAISE EXCEPTION USING ERRCODE = 'MFAV1',
		    MESSAGE = 'the pam_mfa schema in this database is newer '
			'than version 1: use the plug-in of that version';
	END IF;
END
$check$;

-- One row per user: the record, in the text format of the file store's
-- state files (pam_mfa(8), FILES).  name is the user name with every
-- byte outside A-Z a-z 0-9 . _ - (and a leading .) written %XX, as the
-- file store names its files; serial and updated repeat what the record
-- says, for an admin's queries.
CREATE TABLE IF NOT EXISTS pam_mfa.state (
	name text PRIMARY KEY COLLATE "C",
	record text NOT NULL,
	serial numeric(20, 0) NOT NULL,
	updated timestamptz NOT NULL DEFAULT now()
);

INSERT INTO pam_mfa.schema_version (version) VALUES (1)
	ON CONFLICT (one) DO UPDATE SET version = excluded.version;

COMMIT;
