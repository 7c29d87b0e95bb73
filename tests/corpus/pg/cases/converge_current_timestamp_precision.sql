-- Never converges: CURRENT_TIMESTAMP(0) / LOCALTIME(2) are pulled as "current_timestamp"(0), which fails to apply.
CREATE TABLE logins (
    id integer PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP(0),
    local_time time DEFAULT LOCALTIME(2)
);
