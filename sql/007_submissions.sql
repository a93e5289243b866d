-- yujing 007: submissions (上报) of every report type and their review
-- rounds and decisions (预警信息上报审批流程), and the message centre.

CREATE TABLE submissions (
  id                  BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  type                VARCHAR(32) NOT NULL,
  point_id            BIGINT NULL,
  city                CHAR(6) NULL,
  submitter_id        BIGINT NOT NULL,
  submitter_role      VARCHAR(16) NOT NULL,
  state               VARCHAR(16) NOT NULL,
  review_level        VARCHAR(16) NULL,
  chain               VARCHAR(64) NOT NULL DEFAULT '',
  title               VARCHAR(255) NOT NULL DEFAULT '',
  fields              LONGTEXT NOT NULL,
  year                SMALLINT NULL,
  quarter             TINYINT NULL,
  opt_magazine        TINYINT(1) NOT NULL DEFAULT 0,
  opt_work_exchange   TINYINT(1) NOT NULL DEFAULT 0,
  opt_internal        TINYINT(1) NOT NULL DEFAULT 0,
  magazine            VARCHAR(16) NULL,
  adopted             TINYINT(1) NULL,
  rounds              INT NOT NULL DEFAULT 0,
  first_submitted_at  DATETIME NULL,
  submitted_at        DATETIME NULL,
  decided_at          DATETIME NULL,
  accepted_at         DATETIME NULL,
  version             INT NOT NULL DEFAULT 1,
  created_at          DATETIME NOT NULL,
  updated_at          DATETIME NOT NULL,
  KEY submissions_queue (state, review_level, city),
  KEY submissions_point (point_id, type, state),
  KEY submissions_type (type, state, first_submitted_at),
  CONSTRAINT submissions_point_fk FOREIGN KEY (point_id) REFERENCES points (id),
  CONSTRAINT submissions_state_valid CHECK (state IN ('draft', 'submitted', 'approved', 'returned', 'rejected'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every decision ever taken, in order; none is ever deleted (a revert is
-- a decision of its own).
CREATE TABLE decisions (
  id                 BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  submission_id      BIGINT NOT NULL,
  round              INT NOT NULL,
  level              VARCHAR(16) NOT NULL,
  decision           VARCHAR(16) NOT NULL,
  reviewer_id        BIGINT NOT NULL,
  reviewer_role      VARCHAR(16) NOT NULL,
  opinion            TEXT NULL,
  opt_magazine       TINYINT(1) NOT NULL DEFAULT 0,
  opt_work_exchange  TINYINT(1) NOT NULL DEFAULT 0,
  opt_internal       TINYINT(1) NOT NULL DEFAULT 0,
  at                 DATETIME NOT NULL,
  KEY decisions_submission (submission_id, id),
  CONSTRAINT decisions_submission_fk FOREIGN KEY (submission_id) REFERENCES submissions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The message centre (消息中心): addressed to a point, a city or a user.
CREATE TABLE messages (
  id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  point_id       BIGINT NULL,
  city           CHAR(6) NULL,
  user_id        BIGINT NULL,
  submission_id  BIGINT NULL,
  kind           VARCHAR(16) NOT NULL,
  title          VARCHAR(255) NOT NULL,
  body           TEXT NULL,
  created_at     DATETIME NOT NULL,
  read_at        DATETIME NULL,
  KEY messages_point (point_id, id),
  KEY messages_city (city, id),
  KEY messages_user (user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
