-- yujing 070: one row per account and per client address that tries to log
-- in.  A login locks its two rows (account first, then address) for the
-- moment it takes to count the failures in login_attempts, decide and record
-- the attempt, so that parallel attempts are decided one after the other:
-- none slips past the limit.  next_at is when the address may try again
-- once it is past login_max_failures_addr (one attempt per
-- login_addr_delay seconds; a successful login frees it at once).
-- kind: 'u' (name = username) or 'a' (name = client address); the
-- collation is login_attempts', so "Admin" and "admin" share one row as they
-- share one count.
CREATE TABLE login_locks (
  kind        CHAR(1) NOT NULL,
  name        VARCHAR(64) NOT NULL,
  next_at     DATETIME(3) NULL,
  touched_at  DATETIME NOT NULL,
  PRIMARY KEY (kind, name),
  KEY login_locks_touched (touched_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
