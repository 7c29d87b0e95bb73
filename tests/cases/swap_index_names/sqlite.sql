DROP INDEX "t_second";

DROP INDEX "t_first";

CREATE INDEX "t_second" ON "t" ("a");

CREATE INDEX "t_first" ON "t" ("b");
