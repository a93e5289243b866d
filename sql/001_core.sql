-- yujing 001: accounts, sessions, login throttling, audit log.
CREATE TABLE users (
  id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username      VARCHAR(64) NOT NULL,
  name          VARCHAR(64) NOT NULL,
  role          VARCHAR(16) NOT NULL,
  point_id      BIGINT NULL,
  city          CHAR(6) NULL,
  password_hash VARCHAR(128) NOT NULL,
  disabled      TINYINT(1) NOT NULL DEFAULT 0,
  deleted_at    DATETIME NULL,
  version       INT NOT NULL DEFAULT 1,
  created_at    DATETIME NOT NULL,
  updated_at    DATETIME NOT NULL,
  UNIQUE KEY users_username (username),
  KEY users_role (role),
  KEY users_point (point_id),
  CONSTRAINT users_role_valid CHECK (role IN ('admin', 'province', 'city', 'point', 'editor'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Only the SHA-256 of a session token is stored.
CREATE TABLE sessions (
  id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  token_hash  BINARY(32) NOT NULL,
  user_id     BIGINT NOT NULL,
  created_at  DATETIME NOT NULL,
  expires_at  DATETIME NOT NULL,
  addr        VARCHAR(64) NULL,
  UNIQUE KEY sessions_token (token_hash),
  KEY sessions_user (user_id),
  KEY sessions_expires (expires_at),
  CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed logins, counted per account and per address within a window.
CREATE TABLE login_attempts (
  id        BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username  VARCHAR(64) NOT NULL,
  addr      VARCHAR(64) NOT NULL,
  at        DATETIME NOT NULL,
  KEY login_attempts_user (username, at),
  KEY login_attempts_addr (addr, at),
  KEY login_attempts_at (at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every state change: who, in which role, what, when, from where.
CREATE TABLE audit_log (
  id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at           DATETIME(3) NOT NULL,
  user_id      BIGINT NULL,
  username     VARCHAR(64) NOT NULL,
  role         VARCHAR(16) NULL,
  action       VARCHAR(64) NOT NULL,
  object_type  VARCHAR(32) NOT NULL,
  object_id    BIGINT NULL,
  detail       LONGTEXT NULL,
  addr         VARCHAR(64) NULL,
  request_id   VARCHAR(40) NULL,
  KEY audit_object (object_type, object_id),
  KEY audit_at (at),
  KEY audit_user (user_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
