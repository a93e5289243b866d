-- yujing 045: reminders in the message centre (kind 'reminder').  Each
-- reminder is sent once: its key (what, for whom, which deadline or which
-- wait) is unique here, and the message is written in the same transaction
-- as the key, so two runs or two app hosts never double one.
CREATE TABLE reminders (
  id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  reminder_key  VARCHAR(190) NOT NULL,
  created_at    DATETIME NOT NULL,
  UNIQUE KEY reminders_key (reminder_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The row a run locks: at most one host works through the reminders at a
-- time (the server's periodic run skips when another holds it).
CREATE TABLE reminder_runs (
  name         VARCHAR(32) NOT NULL PRIMARY KEY,
  last_run_at  DATETIME NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO reminder_runs (name, last_run_at) VALUES ('reminders', NULL);
