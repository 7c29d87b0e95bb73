-- Silently wrong: NOT VALID on a check and a foreign key is lost.
CREATE TABLE owners (id integer PRIMARY KEY);
CREATE TABLE pets (id integer PRIMARY KEY, owner_id integer, age integer);
ALTER TABLE pets ADD CONSTRAINT pets_age_check CHECK (age >= 0) NOT VALID;
ALTER TABLE pets ADD CONSTRAINT pets_owner_fkey FOREIGN KEY (owner_id) REFERENCES owners (id) NOT VALID;
