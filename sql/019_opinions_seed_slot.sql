-- yujing 019: each preset opinion of rules/review.lua is seeded at most
-- once, whatever the number of app hosts and database nodes.  The seeding
-- writes the preset's place in review.lua into seed_slot with INSERT IGNORE;
-- the unique key turns a second seeder's rows into no-ops (on one server)
-- or a certification conflict (under Galera, where GET_LOCK locks one node
-- only).  Opinions the province adds have no slot.
ALTER TABLE opinions
  ADD COLUMN seed_slot SMALLINT NULL AFTER sort,
  ADD UNIQUE KEY opinions_seed_slot (seed_slot);
