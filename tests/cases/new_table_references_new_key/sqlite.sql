CREATE TABLE "invites" (
    "id" integer NOT NULL,
    "email" text NOT NULL,
    "team" text NOT NULL,
    CONSTRAINT "invites_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "invites_email_fkey" FOREIGN KEY ("email") REFERENCES "users" ("email"),
    CONSTRAINT "invites_team_fkey" FOREIGN KEY ("team") REFERENCES "teams" ("slug")
);

CREATE TABLE "_migrate_new_teams" (
    "slug" text NOT NULL,
    CONSTRAINT "teams_pkey" PRIMARY KEY ("slug")
);

INSERT INTO "_migrate_new_teams" ("slug") SELECT "slug" FROM "teams";

DROP TABLE "teams";

ALTER TABLE "_migrate_new_teams" RENAME TO "teams";

CREATE UNIQUE INDEX "users_email_key" ON "users" ("email");
