ALTER INDEX "t_second" RENAME TO "_migrate_swap_0";

ALTER INDEX "t_first" RENAME TO "t_second";

ALTER INDEX "_migrate_swap_0" RENAME TO "t_first";
