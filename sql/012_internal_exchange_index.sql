-- yujing 012: the internal-exchange list (重要信息内部交流) at province
-- scale.  Its rows are the approved items passed to internal exchange,
-- newest first, filtered by adoption: with 1,000,000 submissions the
-- list read every approved row (26 s); this index holds the whole filter
-- in the order the list is read.
ALTER TABLE submissions
  ADD KEY submissions_internal (opt_internal, state, first_submitted_at, adopted);
