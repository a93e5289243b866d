-- yujing 011: counters for the statistics at province scale.
--
-- stat_totals holds, per year, point and metric, the number of stat_records
-- rows and how they spread over months and quarters.  core/stats.c changes
-- it in the same transaction as stat_records (row by row, +1/-1), so the
-- count details and the scores read about 7 rows per point instead of
-- grouping every record; `yujing stats verify` proves it equals a recount.
CREATE TABLE stat_totals (
  year      SMALLINT NOT NULL,
  point_id  BIGINT NOT NULL,
  metric    VARCHAR(24) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  n         INT NOT NULL DEFAULT 0,
  m1 INT NOT NULL DEFAULT 0, m2 INT NOT NULL DEFAULT 0, m3 INT NOT NULL DEFAULT 0,
  m4 INT NOT NULL DEFAULT 0, m5 INT NOT NULL DEFAULT 0, m6 INT NOT NULL DEFAULT 0,
  m7 INT NOT NULL DEFAULT 0, m8 INT NOT NULL DEFAULT 0, m9 INT NOT NULL DEFAULT 0,
  m10 INT NOT NULL DEFAULT 0, m11 INT NOT NULL DEFAULT 0, m12 INT NOT NULL DEFAULT 0,
  q1 INT NOT NULL DEFAULT 0, q2 INT NOT NULL DEFAULT 0, q3 INT NOT NULL DEFAULT 0,
  q4 INT NOT NULL DEFAULT 0,
  PRIMARY KEY (year, point_id, metric)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The scoring facts read one metric of a year (quarterly analyses, annual
-- summaries, adopted items) with its quarter, without touching the rest.
ALTER TABLE stat_records DROP KEY stat_records_metric,
  ADD KEY stat_records_metric (year, metric, point_id, at, quarter);

-- City review progress groups a year's city-level decisions by city: the
-- city is kept on the decision (the submission's, which never changes).
ALTER TABLE decisions ADD COLUMN city CHAR(6) NULL AFTER level;
UPDATE decisions d JOIN submissions s ON s.id = d.submission_id SET d.city = s.city;
ALTER TABLE decisions DROP KEY decisions_level_at,
  ADD KEY decisions_level_at (level, at, city, decision);
