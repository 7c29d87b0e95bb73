-- Silently wrong: a view and a materialized view are skipped with no note.
CREATE TABLE orders (id integer PRIMARY KEY, total numeric NOT NULL, placed_on date NOT NULL);
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
CREATE MATERIALIZED VIEW daily_totals AS SELECT placed_on, sum(total) AS total FROM orders GROUP BY placed_on;
CREATE UNIQUE INDEX daily_totals_day ON daily_totals (placed_on);
