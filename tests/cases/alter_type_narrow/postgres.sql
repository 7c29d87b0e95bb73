ALTER TABLE "pets" ALTER COLUMN "nickname" TYPE varchar(40) USING "nickname"::varchar(40);
