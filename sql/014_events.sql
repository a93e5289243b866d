-- yujing 014: the event rows (outbox) of the submission lifecycle.  Every
-- transition writes one row inside its own transaction: what changed, on
-- which item, by whom, when.  Later consumers (the delivery of published
-- warnings, reminders) read them in id order and keep their own position;
-- no row is ever updated or deleted by the lifecycle.
--
-- kind: create, update, submit, withdraw, decide, revert, magazine,
--       adoption, leader_instruction
-- publication: 'published' when this transition made the item public
--       (a warning approved with 发布到预警工作交流), 'unpublished' when it
--       took it back (a revert of such a pass), NULL otherwise.
CREATE TABLE events (
  id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind           VARCHAR(32) NOT NULL,
  submission_id  BIGINT NULL,
  actor_id       BIGINT NULL,
  actor_role     VARCHAR(16) NULL,
  from_state     VARCHAR(16) NULL,
  to_state       VARCHAR(16) NULL,
  from_level     VARCHAR(16) NULL,
  to_level       VARCHAR(16) NULL,
  publication    VARCHAR(16) NULL,
  detail         LONGTEXT NULL,
  at             DATETIME(3) NOT NULL,
  KEY events_submission (submission_id, id),
  KEY events_publication (publication, id),
  CONSTRAINT events_publication_valid CHECK (publication IS NULL OR publication IN ('published', 'unpublished'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
