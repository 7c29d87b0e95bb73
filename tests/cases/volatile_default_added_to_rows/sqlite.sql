CREATE TABLE "_migrate_new_pets" (
    "id" bigint NOT NULL,
    "name" text NOT NULL,
    "token" uuid text NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    "score" double DEFAULT (random()),
    "born_at" timestamptz text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "pets_pkey" PRIMARY KEY ("id")
);

INSERT INTO "_migrate_new_pets" ("id", "name") SELECT "id", "name" FROM "pets";

DROP TABLE "pets";

ALTER TABLE "_migrate_new_pets" RENAME TO "pets";

CREATE TABLE "_migrate_new_tags" (
    "code" text NOT NULL,
    "label" text NOT NULL,
    "token" uuid text NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))))
);

INSERT INTO "_migrate_new_tags" ("code", "label") SELECT "code", (upper(code)) FROM "tags";

DROP TABLE "tags";

ALTER TABLE "_migrate_new_tags" RENAME TO "tags";

CREATE UNIQUE INDEX "tags_code_key" ON "tags" ("code");

CREATE TABLE "_migrate_new_tickets" (
    "title" text NOT NULL,
    "token" uuid text NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))))
);

INSERT INTO "_migrate_new_tickets" ("title") SELECT "title" FROM "tickets";

DROP TABLE "tickets";

ALTER TABLE "_migrate_new_tickets" RENAME TO "tickets";
