ALTER TABLE "t" RENAME CONSTRAINT "t_b_positive" TO "_migrate_swap_0";

ALTER TABLE "t" RENAME CONSTRAINT "t_a_positive" TO "t_b_positive";

ALTER TABLE "t" RENAME CONSTRAINT "_migrate_swap_0" TO "t_a_positive";
