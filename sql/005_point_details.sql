-- yujing 005: a warning point's people, contact enterprises, leadership
-- group and party organisation, and the field-by-field change history of
-- all of it (预警点管理).

-- Points name their industry by dictionary code.
UPDATE points p JOIN industries i ON i.name = p.industry SET p.industry = i.code;
ALTER TABLE points
  ADD CONSTRAINT points_industry_fk FOREIGN KEY (industry) REFERENCES industries (code);

-- Responsible persons (预警负责人) and staff (预警点工作人员).  Removal is
-- soft: the row and its history stay.
CREATE TABLE point_people (
  id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  point_id    BIGINT NOT NULL,
  kind        VARCHAR(16) NOT NULL,
  name        VARCHAR(64) NOT NULL,
  position    VARCHAR(64) NULL,
  phone       VARCHAR(32) NULL,
  mobile      VARCHAR(32) NULL,
  email       VARCHAR(128) NULL,
  deleted_at  DATETIME NULL,
  version     INT NOT NULL DEFAULT 1,
  created_at  DATETIME NOT NULL,
  updated_at  DATETIME NOT NULL,
  KEY point_people_point (point_id, deleted_at, kind),
  CONSTRAINT point_people_point_fk FOREIGN KEY (point_id) REFERENCES points (id),
  CONSTRAINT point_people_kind_valid CHECK (kind IN ('responsible', 'staff'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Contact enterprises (联系企业); their count is the point's 联系企业数.
CREATE TABLE point_enterprises (
  id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  point_id     BIGINT NOT NULL,
  name         VARCHAR(128) NOT NULL,
  credit_code  CHAR(18) NULL,
  contact      VARCHAR(64) NULL,
  phone        VARCHAR(32) NULL,
  products     VARCHAR(255) NULL,
  markets      VARCHAR(255) NULL,
  deleted_at   DATETIME NULL,
  version      INT NOT NULL DEFAULT 1,
  created_at   DATETIME NOT NULL,
  updated_at   DATETIME NOT NULL,
  KEY point_enterprises_point (point_id, deleted_at),
  KEY point_enterprises_code (credit_code),
  CONSTRAINT point_enterprises_point_fk FOREIGN KEY (point_id) REFERENCES points (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Leadership group (领导小组) members and the party organisation (党建组织).
ALTER TABLE points
  ADD COLUMN party_org TINYINT(1) NULL AFTER status,
  ADD COLUMN party_members INT NULL AFTER party_org,
  ADD COLUMN leadership_version INT NOT NULL DEFAULT 1 AFTER party_members;
CREATE TABLE point_leaders (
  id        BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  point_id  BIGINT NOT NULL,
  sort      INT NOT NULL,
  role      VARCHAR(8) NOT NULL,
  name      VARCHAR(64) NOT NULL,
  position  VARCHAR(64) NULL,
  unit      VARCHAR(128) NULL,
  KEY point_leaders_point (point_id, sort),
  CONSTRAINT point_leaders_point_fk FOREIGN KEY (point_id) REFERENCES points (id),
  CONSTRAINT point_leaders_role_valid CHECK (role IN ('组长', '副组长', '成员'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Change history (变更历史): one row per changed field, never deleted.
-- entity: point | person | enterprise | leadership; action: create |
-- update | delete.
CREATE TABLE point_history (
  id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  point_id    BIGINT NOT NULL,
  at          DATETIME(3) NOT NULL,
  user_id     BIGINT NULL,
  username    VARCHAR(64) NOT NULL,
  entity      VARCHAR(16) NOT NULL,
  entity_id   BIGINT NULL,
  action      VARCHAR(8) NOT NULL,
  field       VARCHAR(64) NOT NULL,
  old_value   TEXT NULL,
  new_value   TEXT NULL,
  request_id  VARCHAR(40) NULL,
  KEY point_history_point (point_id, id),
  CONSTRAINT point_history_point_fk FOREIGN KEY (point_id) REFERENCES points (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
