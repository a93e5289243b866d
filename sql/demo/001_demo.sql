-- yujing demo data: the accounts of the README's Quick start and the warning
-- point they belong to.  Demo only: a plain install never loads this file.
-- Re-runnable: existing rows are left as they are.  Password of every demo
-- account: Demo#2019 (argon2id hashes made with "yujing hash-password").
SET NAMES utf8mb4;

INSERT INTO points (name, host_org, type, batch, industry, city, district,
                    founded_year, status, version, created_at, updated_at)
VALUES ('建德精细化工产品对外贸易预警示范点', '建德市精细化工行业协会', '省级', '第一批',
        'CHEMICAL', '330100', '330182', 2015, '正式', 1, NOW(), NOW())
ON DUPLICATE KEY UPDATE id = id;

INSERT INTO users (username, name, role, point_id, city, password_hash, disabled,
                   version, created_at, updated_at)
VALUES
  ('admin', '系统管理员', 'admin', NULL, NULL,
   '$argon2id$v=19$m=65536,t=2,p=1$U7upkCGHbU03hyIyNcPEeA$MHVv6LjjnPmPNGxnjzeXCr23CCefs6hVY03zTe5UdD4',
   0, 1, NOW(), NOW()),
  ('province', '省商务厅预警工作联系人', 'province', NULL, NULL,
   '$argon2id$v=19$m=65536,t=2,p=1$pNcqfPlBXfV7NE3eBVcNiw$6lw9Y+0VtYNRyeHavqgwQTToye6KNg9LvViBMLTOn8E',
   0, 1, NOW(), NOW()),
  ('hangzhou', '杭州市商务局', 'city', NULL, '330100',
   '$argon2id$v=19$m=65536,t=2,p=1$9D0tBnKtD2YWG1Z1/JGOqA$UzP5Z3s7PyfIXeE3SN7sOUTx1XEORvfxutso0IbOU/s',
   0, 1, NOW(), NOW()),
  ('jiande', '建德精细化工产品对外贸易预警示范点', 'point',
   (SELECT id FROM points WHERE name = '建德精细化工产品对外贸易预警示范点'), '330100',
   '$argon2id$v=19$m=65536,t=2,p=1$uctm+M9ns3ZYvbSuyJ7K0w$d8xV3jg38EC32FJGD2v8Mos0RsflobnmN4TnrzQvxtI',
   0, 1, NOW(), NOW()),
  ('editor', '《浙江商务》杂志编辑', 'editor', NULL, NULL,
   '$argon2id$v=19$m=65536,t=2,p=1$K2oP0o4mSdOVOtfT0/538Q$hou97ncgZh71x2Ibcqrxe4UkqOEYCPq7AQESfx1iFQI',
   0, 1, NOW(), NOW())
ON DUPLICATE KEY UPDATE id = id;
