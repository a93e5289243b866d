-- yujing 010: what the statistics count (统计分析).
--
-- stat_records holds one row per submission and metric it counts in right
-- now: the lifecycle rewrites a submission's rows in the same transaction
-- that changes it (core/stats.c), and `yujing stats verify` proves the table
-- equals a recount from submissions.  The year is the item's statistical
-- year (declared year for types with a year field, else the year of first
-- submission); at is the first submission time.  Formal-point and city
-- filters are applied when reading, against the points as they are now.
CREATE TABLE stat_records (
  submission_id  BIGINT NOT NULL,
  metric         VARCHAR(24) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  point_id       BIGINT NOT NULL,
  year           SMALLINT NOT NULL,
  month          TINYINT NOT NULL,
  quarter        TINYINT NOT NULL,
  at             DATETIME NOT NULL,
  PRIMARY KEY (submission_id, metric),
  KEY stat_records_year (year, point_id, metric, month, quarter, at),
  KEY stat_records_metric (year, metric, point_id, at),
  CONSTRAINT stat_records_submission_fk FOREIGN KEY (submission_id) REFERENCES submissions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- When an internal-exchange item was adopted (采纳): the scoring facts give
-- it to the standard.
ALTER TABLE submissions ADD COLUMN adopted_at DATETIME NULL AFTER adopted;

-- City review progress (地市审核进度) counts a year's decisions per level.
ALTER TABLE decisions ADD KEY decisions_level_at (level, at);
