-- yujing 050: the lists of items at province scale (1,000,000
-- submissions).  Each list reads a page newest first, and counts its
-- total only up to list_count_limit.  Without an index in the order of
-- the page MariaDB read every matching row and sorted them (a city's
-- list 7 s, the city's warning info 4 s, the magazine's 4.5 s, a year
-- 2.2 s, notices 0.7 s, internal exchange 0.5 s).  A secondary key ends
-- with the primary key, so KEY (city) is read in (city, id) order: the
-- page of ORDER BY id DESC is its first entries, and the count reads
-- the index, not the rows.
ALTER TABLE submissions
  ADD KEY submissions_city (city),
  ADD KEY submissions_city_type (city, type),
  ADD KEY submissions_year (year),
  ADD KEY submissions_type_id (type),
  ADD KEY submissions_magazine (magazine, submitted_at),
  ADD KEY submissions_queue_time (state, review_level, submitted_at, type),
  DROP KEY submissions_internal,
  ADD KEY submissions_internal (opt_internal, state, first_submitted_at, id, adopted);
