-- Was silently wrong (a partitioned table read as a plain table, its partitions lost): now round-trips.
CREATE TABLE measurements (
    id bigint NOT NULL,
    taken_on date NOT NULL,
    value numeric,
    PRIMARY KEY (id, taken_on)
) PARTITION BY RANGE (taken_on);
CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX measurements_value ON measurements (value);
