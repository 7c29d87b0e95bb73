CREATE TABLE "people" (
    "id" integer NOT NULL,
    "manager_id" integer,
    "team_id" integer,
    CONSTRAINT "people_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "people_manager_id_fkey" FOREIGN KEY ("manager_id") REFERENCES "people" ("id") ON DELETE SET NULL,
    CONSTRAINT "people_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams" ("id")
);

CREATE TABLE "teams" (
    "id" integer NOT NULL,
    "lead_id" integer,
    CONSTRAINT "teams_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "teams_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "people" ("id")
);
