DROP INDEX "users_email_key";

CREATE INDEX "users_email_key" ON "users" ("email");
