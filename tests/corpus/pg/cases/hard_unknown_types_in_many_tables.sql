-- Hard failure: unknown types in several tables must all be named at once, not only the first.
-- corpus: expect-message c_hosts.mac
CREATE TABLE a_shapes (id integer PRIMARY KEY, at point, box box);
CREATE TABLE b_prices (id integer PRIMARY KEY, price money);
CREATE TABLE c_hosts (id integer PRIMARY KEY, mac macaddr, net cidr);
CREATE TABLE d_docs (id integer PRIMARY KEY, body xml, bits bit varying(8));
CREATE TABLE e_plain (id integer PRIMARY KEY, name text);
