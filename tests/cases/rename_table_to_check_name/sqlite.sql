ALTER TABLE "orders" RENAME TO "purchases";

CREATE TABLE "_migrate_new_purchases" (
    "total" integer NOT NULL,
    CONSTRAINT "purchases_total_check" CHECK (total >= 0)
);

INSERT INTO "_migrate_new_purchases" ("total") SELECT "total" FROM "purchases";

DROP TABLE "purchases";

ALTER TABLE "_migrate_new_purchases" RENAME TO "purchases";
