-- yujing 009: attachments of submissions, kept in MariaDB so that several
-- app hosts share them.  Removal is soft.
CREATE TABLE attachments (
  id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  submission_id  BIGINT NOT NULL,
  name           VARCHAR(255) NOT NULL,
  size           BIGINT NOT NULL,
  sha256         CHAR(64) NOT NULL,
  content        LONGBLOB NOT NULL,
  uploader_id    BIGINT NOT NULL,
  created_at     DATETIME NOT NULL,
  deleted_at     DATETIME NULL,
  KEY attachments_submission (submission_id, deleted_at),
  CONSTRAINT attachments_submission_fk FOREIGN KEY (submission_id) REFERENCES submissions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
