-- yujing 003: warning points (预警点), the scope that point accounts belong to.
CREATE TABLE points (
  id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name          VARCHAR(128) NOT NULL,
  host_org      VARCHAR(128) NOT NULL DEFAULT '',
  type          VARCHAR(8) NOT NULL DEFAULT '省级',
  batch         VARCHAR(32) NOT NULL DEFAULT '',
  industry      VARCHAR(32) NULL,
  city          CHAR(6) NOT NULL,
  district      CHAR(6) NULL,
  founded_year  SMALLINT NULL,
  approval_no   VARCHAR(64) NULL,
  address       VARCHAR(255) NULL,
  phone         VARCHAR(32) NULL,
  fax           VARCHAR(32) NULL,
  website       VARCHAR(255) NULL,
  email         VARCHAR(128) NULL,
  status        VARCHAR(8) NOT NULL DEFAULT '筹建',
  version       INT NOT NULL DEFAULT 1,
  created_at    DATETIME NOT NULL,
  updated_at    DATETIME NOT NULL,
  UNIQUE KEY points_name (name),
  KEY points_city (city, status),
  CONSTRAINT points_city_fk FOREIGN KEY (city) REFERENCES regions (code),
  CONSTRAINT points_district_fk FOREIGN KEY (district) REFERENCES regions (code),
  CONSTRAINT points_type_valid CHECK (type IN ('省级', '市级')),
  CONSTRAINT points_status_valid CHECK (status IN ('筹建', '正式', '撤销'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE users
  ADD CONSTRAINT users_point_fk FOREIGN KEY (point_id) REFERENCES points (id),
  ADD CONSTRAINT users_city_fk FOREIGN KEY (city) REFERENCES regions (code);
