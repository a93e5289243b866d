-- yujing 006: a point without a batch has none (NULL), not an empty one,
-- like every other optional field.
ALTER TABLE points MODIFY batch VARCHAR(32) NULL;
UPDATE points SET batch = NULL WHERE batch = '';
