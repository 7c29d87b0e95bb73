DROP TABLE "sessions";

CREATE TABLE "user_sessions" (
    "id" uuid text NOT NULL,
    "token" text NOT NULL,
    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "session_token" ON "user_sessions" ("token");
