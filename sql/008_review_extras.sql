-- yujing 008: preset review opinions (审核意见配置) and leader instructions
-- (厅领导批示) on adopted internal-exchange items.

-- The shipped presets come from rules/review.lua the first time the list
-- is read; after that this table is what the province edits.
CREATE TABLE opinions (
  id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  text        VARCHAR(500) NOT NULL,
  sort        INT NOT NULL,
  deleted_at  DATETIME NULL,
  version     INT NOT NULL DEFAULT 1,
  created_at  DATETIME NOT NULL,
  updated_at  DATETIME NOT NULL,
  KEY opinions_sort (deleted_at, sort)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE leader_instructions (
  id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  submission_id  BIGINT NOT NULL,
  leader         VARCHAR(64) NOT NULL,
  text           TEXT NOT NULL,
  user_id        BIGINT NOT NULL,
  at             DATETIME NOT NULL,
  KEY leader_instructions_submission (submission_id),
  CONSTRAINT leader_instructions_submission_fk FOREIGN KEY (submission_id) REFERENCES submissions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
