-- yujing 071: a point account's city is its point's.  Moving a point used
-- to leave its accounts' stored city behind; since then the move updates
-- them in its own transaction.  Accounts left behind before are put right.
UPDATE users u JOIN points p ON p.id = u.point_id
SET u.city = p.city, u.version = u.version + 1, u.updated_at = NOW()
WHERE u.role = 'point' AND NOT (u.city <=> p.city);
