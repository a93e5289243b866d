-- yujing 030: publication and dissemination (预警信息发布与传递).
--
-- What is public is read from submissions themselves (an approved
-- warning_info with opt_work_exchange, an approved subsite_post), so a
-- warning is public in the transaction that approves it.  Delivery works
-- from the lifecycle's event rows (014): the consumer marks each event it
-- has handled in dissem_events and keeps a low-water mark in dissem_cursor;
-- it writes one deliveries row per recipient and warning, unique by
-- idem_key, so that nothing is sent twice to one recipient however often an
-- event is read, and several app hosts claim rows (claimed_by, claimed_until)
-- instead of sending the same row.

-- Settings shared by every app host (mail: smtp_url, from, username,
-- password), JSON values.
CREATE TABLE settings (
  name        VARCHAR(64) NOT NULL PRIMARY KEY,
  value       LONGTEXT NOT NULL,
  updated_at  DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Enterprises' e-mail subscriptions (no account).  token: manage and
-- unsubscribe; confirm_token: the double opt-in, cleared once confirmed.
CREATE TABLE subscriptions (
  id               BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email            VARCHAR(254) NOT NULL,
  filters          LONGTEXT NOT NULL,
  digest           VARCHAR(16) NOT NULL,
  state            VARCHAR(16) NOT NULL,
  token            CHAR(64) NOT NULL,
  confirm_token    CHAR(64) NULL,
  addr             VARCHAR(64) NULL,
  created_at       DATETIME NOT NULL,
  updated_at       DATETIME NOT NULL,
  confirmed_at     DATETIME NULL,
  unsubscribed_at  DATETIME NULL,
  last_digest_at   DATETIME(3) NULL,
  UNIQUE KEY subscriptions_email (email),
  UNIQUE KEY subscriptions_token (token),
  UNIQUE KEY subscriptions_confirm (confirm_token),
  KEY subscriptions_state (state, digest),
  CONSTRAINT subscriptions_state_valid CHECK (state IN ('pending', 'active', 'unsubscribed')),
  CONSTRAINT subscriptions_digest_valid CHECK (digest IN ('immediate', 'daily', 'weekly'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Subscribe requests, for the throttle (per address and per e-mail).
CREATE TABLE subscribe_attempts (
  id     BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email  VARCHAR(254) NOT NULL,
  addr   VARCHAR(64) NOT NULL,
  at     DATETIME(3) NOT NULL,
  KEY subscribe_attempts_email (email, at),
  KEY subscribe_attempts_addr (addr, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Group robots, signed webhooks and mailing lists of a point (point_id) or
-- of the province (point_id NULL).
CREATE TABLE channels (
  id               BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind             VARCHAR(16) NOT NULL,
  name             VARCHAR(100) NOT NULL,
  url              VARCHAR(500) NOT NULL,
  secret           VARCHAR(200) NULL,
  filters          LONGTEXT NOT NULL,
  point_id         BIGINT NULL,
  enabled          TINYINT(1) NOT NULL DEFAULT 1,
  rate_per_minute  INT NOT NULL,
  version          INT NOT NULL DEFAULT 1,
  created_by       BIGINT NULL,
  created_at       DATETIME NOT NULL,
  updated_at       DATETIME NOT NULL,
  deleted_at       DATETIME NULL,
  KEY channels_point (point_id),
  CONSTRAINT channels_point_fk FOREIGN KEY (point_id) REFERENCES points (id),
  CONSTRAINT channels_kind_valid CHECK (kind IN ('wecom', 'dingtalk', 'webhook', 'email'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per published warning: when it was approved (the event's time)
-- and first delivered, for the 2-hour rule.
CREATE TABLE publications (
  submission_id       BIGINT NOT NULL PRIMARY KEY,
  point_id            BIGINT NULL,
  city                CHAR(6) NULL,
  published_at        DATETIME(3) NOT NULL,
  unpublished_at      DATETIME(3) NULL,
  first_delivered_at  DATETIME(3) NULL,
  KEY publications_time (published_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The events the consumer has handled, and the id below which all are.
CREATE TABLE dissem_events (
  event_id  BIGINT NOT NULL PRIMARY KEY,
  done_at   DATETIME(3) NOT NULL
) ENGINE=InnoDB;
CREATE TABLE dissem_cursor (
  name           VARCHAR(32) NOT NULL PRIMARY KEY,
  last_event_id  BIGINT NOT NULL
) ENGINE=InnoDB;
INSERT INTO dissem_cursor (name, last_event_id) VALUES ('deliver', 0);

-- One message to one recipient: kind warning (one warning), digest (a
-- subscriber's daily or weekly list, ids in payload), confirm (the
-- double opt-in mail), test.  idem_key: "w:<submission>:<recipient>"
-- for warnings, so a recipient reached by a subscription and a mailing list
-- gets one mail.  cancelled: the warning was unpublished before it went out.
CREATE TABLE deliveries (
  id               BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  idem_key         VARCHAR(191) NOT NULL,
  kind             VARCHAR(16) NOT NULL,
  submission_id    BIGINT NULL,
  subscription_id  BIGINT NULL,
  channel_id       BIGINT NULL,
  recipient        VARCHAR(320) NOT NULL,
  payload          LONGTEXT NULL,
  state            VARCHAR(16) NOT NULL,
  attempts         INT NOT NULL DEFAULT 0,
  max_attempts     INT NOT NULL,
  last_error       VARCHAR(500) NULL,
  next_at          DATETIME(3) NOT NULL,
  claimed_by       VARCHAR(80) NULL,
  claimed_until    DATETIME(3) NULL,
  cancelled        TINYINT(1) NOT NULL DEFAULT 0,
  created_at       DATETIME(3) NOT NULL,
  sent_at          DATETIME(3) NULL,
  UNIQUE KEY deliveries_idem (idem_key),
  KEY deliveries_due (state, next_at),
  KEY deliveries_submission (submission_id),
  KEY deliveries_channel (channel_id, id),
  CONSTRAINT deliveries_state_valid CHECK (state IN ('pending', 'sent', 'retrying', 'failed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every attempt, its outcome and error; the per-channel rate limit counts
-- these.
CREATE TABLE delivery_attempts (
  id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  delivery_id  BIGINT NOT NULL,
  channel_id   BIGINT NULL,
  at           DATETIME(3) NOT NULL,
  ok           TINYINT(1) NOT NULL,
  temporary    TINYINT(1) NOT NULL DEFAULT 0,
  error        VARCHAR(500) NULL,
  KEY delivery_attempts_delivery (delivery_id),
  KEY delivery_attempts_channel (channel_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The public list: approved items of a type, newest decision first.
ALTER TABLE submissions ADD KEY submissions_public (type, state, opt_work_exchange, decided_at);
