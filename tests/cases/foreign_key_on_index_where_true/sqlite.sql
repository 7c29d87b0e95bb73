DROP INDEX "codes_code_all";
