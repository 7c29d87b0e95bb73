DROP VIEW "biggest";

DROP VIEW "big_orders";

CREATE TABLE "_migrate_new_orders" (
    "id" integer NOT NULL,
    "total" bigint NOT NULL,
    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

INSERT INTO "_migrate_new_orders" ("id", "total") SELECT "id", "total" FROM "orders";

DROP TABLE "orders";

ALTER TABLE "_migrate_new_orders" RENAME TO "orders";

CREATE VIEW "big_orders" AS
SELECT id, total FROM orders WHERE total > 100;

CREATE VIEW "biggest" AS
SELECT id FROM big_orders WHERE total > 1000;
