DROP VIEW "biggest";

DROP VIEW "big_orders";

ALTER TABLE "orders" ALTER COLUMN "total" TYPE bigint USING "total"::bigint;

CREATE VIEW "big_orders" AS
SELECT id, total FROM orders WHERE total > 100;

CREATE VIEW "biggest" AS
SELECT id FROM big_orders WHERE total > 1000;
