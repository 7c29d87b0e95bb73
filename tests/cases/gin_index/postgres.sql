-- migrate:no-transaction
CREATE INDEX CONCURRENTLY "pets_traits_idx" ON "pets" USING gin ("traits");
