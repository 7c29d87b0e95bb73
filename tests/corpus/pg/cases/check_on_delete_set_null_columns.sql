-- Check refuses: ON DELETE SET NULL (col) on a composite foreign key (PostgreSQL 15).
CREATE TABLE tenants (id integer PRIMARY KEY);
CREATE TABLE users (
    tenant_id integer NOT NULL REFERENCES tenants (id),
    id integer NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE TABLE posts (
    tenant_id integer NOT NULL,
    id integer NOT NULL,
    author_id integer,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id) ON DELETE SET NULL (author_id)
);
