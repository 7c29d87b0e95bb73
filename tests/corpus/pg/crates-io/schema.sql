--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: ltree; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS ltree WITH SCHEMA public;


--
-- Name: EXTENSION ltree; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION ltree IS 'data type for hierarchical tree-like structures';


--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;


--
-- Name: EXTENSION pg_trgm; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';


--
-- Name: pgcrypto; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;


--
-- Name: EXTENSION pgcrypto; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';


--
-- Name: semver_triple; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.semver_triple AS (
	major numeric,
	minor numeric,
	teeny numeric
);


--
-- Name: canon_crate_name(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.canon_crate_name(text) RETURNS text
    LANGUAGE sql
    AS $_$
                    SELECT replace(lower($1), '-', '_')
                $_$;


--
-- Name: canon_username(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.canon_username(text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $_$
    SELECT replace(lower($1), '-', '_');
$_$;


--
-- Name: compute_reverse_dependencies(integer[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.compute_reverse_dependencies(dependent_crate_ids integer[]) RETURNS TABLE(target_crate_id integer, dependent_crate_id integer, version_id integer, dependency_id integer, dependent_downloads bigint)
    LANGUAGE sql STABLE
    AS $$
    SELECT dependencies.crate_id        AS target_crate_id,
           default_versions.crate_id    AS dependent_crate_id,
           default_versions.version_id  AS version_id,
           MIN(dependencies.id)         AS dependency_id,
           COALESCE((SELECT downloads FROM crate_downloads
                     WHERE crate_downloads.crate_id = default_versions.crate_id), 0) AS dependent_downloads
    FROM default_versions
    JOIN versions ON versions.id = default_versions.version_id AND NOT versions.yanked
    JOIN dependencies ON dependencies.version_id = default_versions.version_id
    WHERE default_versions.crate_id = ANY(dependent_crate_ids)
    GROUP BY dependencies.crate_id, default_versions.crate_id;
$$;


--
-- Name: FUNCTION compute_reverse_dependencies(dependent_crate_ids integer[]); Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON FUNCTION public.compute_reverse_dependencies(dependent_crate_ids integer[]) IS 'Returns the rows that should exist in `reverse_dependencies` for the given dependent crate ids, one per target crate.';


--
-- Name: diesel_manage_updated_at(regclass); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.diesel_manage_updated_at(_tbl regclass) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER set_updated_at BEFORE UPDATE ON %s
                    FOR EACH ROW EXECUTE PROCEDURE diesel_set_updated_at()', _tbl);
END;
$$;


--
-- Name: diesel_set_updated_at(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.diesel_set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF (
        NEW IS DISTINCT FROM OLD AND
        NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at
    ) THEN
        NEW.updated_at := current_timestamp;
    END IF;
    RETURN NEW;
END;
$$;


--
-- Name: emails_set_token_generated_at(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.emails_set_token_generated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
  BEGIN
    NEW.token_generated_at := CURRENT_TIMESTAMP;
    RETURN NEW;
  END
$$;


--
-- Name: ensure_crate_name_not_reserved(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ensure_crate_name_not_reserved() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF canon_crate_name(NEW.name) IN (
        SELECT canon_crate_name(name) FROM reserved_crate_names
    ) THEN
        RAISE EXCEPTION 'cannot upload crate with reserved name';
    END IF;
    RETURN NEW;
END;
$$;


--
-- Name: ensure_reserved_name_not_in_use(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ensure_reserved_name_not_in_use() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF canon_crate_name(NEW.name) IN (
        SELECT canon_crate_name(name) FROM crates
    ) THEN
        RAISE EXCEPTION 'crate exists with name %', NEW.name;
    END IF;
    RETURN NEW;
END;
$$;


--
-- Name: ensure_username_not_reserved(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ensure_username_not_reserved() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF canon_username(NEW.username) IN (
        SELECT canon_username(username) FROM reserved_usernames
    ) THEN
        RAISE EXCEPTION 'cannot create user with reserved username';
    END IF;
    RETURN NEW;
END;
$$;


--
-- Name: insert_crate_downloads_row(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.insert_crate_downloads_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    insert into crate_downloads(crate_id) values (new.id);
    return new;
end;
$$;


--
-- Name: notify_background_job_inserted(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.notify_background_job_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NOTIFY background_jobs;
    RETURN NULL;
END
$$;


--
-- Name: random_string(integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.random_string(integer) RETURNS text
    LANGUAGE plpgsql
    AS $_$
DECLARE
  alphabet CONSTANT text := 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  result text := '';
  b int4;
BEGIN
  WHILE length(result) < $1 LOOP
    b := get_byte(gen_random_bytes(1), 0);
    CONTINUE WHEN b >= 248;
    result := result || substr(alphabet, (b % 62) + 1, 1);
  END LOOP;
  RETURN result;
END;
$_$;


--
-- Name: FUNCTION random_string(integer); Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON FUNCTION public.random_string(integer) IS 'Returns a cryptographically random alphanumeric string of the requested length, drawing from pgcrypto''s gen_random_bytes() with rejection sampling for a uniform distribution.';


--
-- Name: rebuild_reverse_dependencies(integer[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rebuild_reverse_dependencies(dependent_crate_ids integer[]) RETURNS void
    LANGUAGE sql
    AS $$
    -- Clear the crates' current rows, then write the freshly computed set. These
    -- are two statements rather than one data-modifying CTE: a CTE would run both
    -- against the same snapshot, so the INSERT would still see the about-to-be
    -- deleted rows and trip the primary key. A crate that computes to no rows is
    -- left empty by the DELETE.

    DELETE FROM reverse_dependencies WHERE dependent_crate_id = ANY(dependent_crate_ids);

    INSERT INTO reverse_dependencies
        (target_crate_id, dependent_crate_id, version_id, dependency_id, dependent_downloads)
    SELECT target_crate_id, dependent_crate_id, version_id, dependency_id, dependent_downloads
    FROM compute_reverse_dependencies(dependent_crate_ids);
$$;


--
-- Name: FUNCTION rebuild_reverse_dependencies(dependent_crate_ids integer[]); Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON FUNCTION public.rebuild_reverse_dependencies(dependent_crate_ids integer[]) IS 'Rebuilds the `reverse_dependencies` rows for the given dependent crate ids.';


--
-- Name: reconfirm_email_on_email_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.reconfirm_email_on_email_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
  BEGIN
    IF NEW.email IS DISTINCT FROM OLD.email THEN
      NEW.token := random_string(26);
      NEW.verified := false;
    END IF;
    RETURN NEW;
  END
$$;


--
-- Name: refresh_recent_crate_downloads(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.refresh_recent_crate_downloads() RETURNS void
    LANGUAGE sql
    AS $$
  REFRESH MATERIALIZED VIEW CONCURRENTLY recent_crate_downloads;
$$;


--
-- Name: reverse_dependencies_crate_downloads_update(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.reverse_dependencies_crate_downloads_update() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE reverse_dependencies
    SET dependent_downloads = updated.downloads
    FROM updated
    WHERE reverse_dependencies.dependent_crate_id = updated.crate_id
      AND reverse_dependencies.dependent_downloads IS DISTINCT FROM updated.downloads;
    RETURN NULL;
END;
$$;


--
-- Name: reverse_dependencies_default_versions_insert(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.reverse_dependencies_default_versions_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM rebuild_reverse_dependencies(ARRAY(SELECT crate_id FROM inserted));
    RETURN NULL;
END;
$$;


--
-- Name: reverse_dependencies_default_versions_update(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.reverse_dependencies_default_versions_update() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM rebuild_reverse_dependencies(ARRAY(
        SELECT new_default_versions.crate_id
        FROM new_default_versions
        JOIN old_default_versions ON old_default_versions.crate_id = new_default_versions.crate_id
        WHERE new_default_versions.version_id IS DISTINCT FROM old_default_versions.version_id
    ));
    RETURN NULL;
END;
$$;


--
-- Name: reverse_dependencies_dependencies_insert(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.reverse_dependencies_dependencies_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM rebuild_reverse_dependencies(ARRAY(
        SELECT DISTINCT default_versions.crate_id
        FROM default_versions
        JOIN inserted ON inserted.version_id = default_versions.version_id
    ));
    RETURN NULL;
END;
$$;


--
-- Name: reverse_dependencies_versions_yanked(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.reverse_dependencies_versions_yanked() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM rebuild_reverse_dependencies(ARRAY(
        SELECT crate_id FROM default_versions WHERE version_id = NEW.id
    ));
    RETURN NULL;
END;
$$;


--
-- Name: semver_ord_num(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.semver_ord_num(digits text) RETURNS bytea
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    select set_byte('\x00'::bytea, 0, length(digits)) || convert_to(digits, 'UTF8');
$$;


--
-- Name: semver_ord_v2(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.semver_ord_v2(num text) RETURNS bytea
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $_$
declare
    m text[] := regexp_match(
        num,
        '^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$'
    );
    result bytea;
    parts text[];
    part text;
begin
    if m is null then
        return null;
    end if;

    result := semver_ord_num(m[1]) || semver_ord_num(m[2]) || semver_ord_num(m[3]);

    if m[4] is null then
        result := result || '\x03'::bytea;
    else
        parts := string_to_array(m[4], '.');
        foreach part in array parts loop
            if part ~ '^(0|[1-9][0-9]*)$' then
                result := result || '\x01'::bytea || semver_ord_num(part);
            else
                result := result || '\x02'::bytea || convert_to(part, 'UTF8');
            end if;
        end loop;
        result := result || '\x00'::bytea;
    end if;

    return result;
end;
$_$;


--
-- Name: FUNCTION semver_ord_v2(num text); Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON FUNCTION public.semver_ord_v2(num text) IS 'Converts a semver string into an order-preserving bytea sort key. Byte-wise comparison of the result matches semver precedence (https://semver.org/#spec-item-11).';


--
-- Name: set_category_path_to_slug(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.set_category_path_to_slug() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
 NEW.path = text2ltree('root.' || trim(replace(replace(NEW.slug, '-', '_'), '::', '.')));
 RETURN NEW;
END;
    $$;


--
-- Name: set_semver_ord_v2(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.set_semver_ord_v2() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    new.semver_ord_v2 := semver_ord_v2(new.num);
    return new;
end
$$;


--
-- Name: set_updated_at(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF (
        NEW IS DISTINCT FROM OLD AND
        NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at
    ) THEN
        NEW.updated_at = CURRENT_TIMESTAMP;
    END IF;
    RETURN NEW;
END
$$;


--
-- Name: touch_crate(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.touch_crate() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        UPDATE crates SET updated_at = CURRENT_TIMESTAMP WHERE
                            id = OLD.crate_id;
                        RETURN OLD;
                    ELSE
                        UPDATE crates SET updated_at = CURRENT_TIMESTAMP WHERE
                            id = NEW.crate_id;
                        RETURN NEW;
                    END IF;
                END
                $$;


--
-- Name: touch_crate_on_version_modified(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.touch_crate_on_version_modified() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF (
    TG_OP = 'INSERT' OR
    NEW.updated_at IS DISTINCT FROM OLD.updated_at
  ) THEN
    UPDATE crates SET updated_at = CURRENT_TIMESTAMP WHERE
      crates.id = NEW.crate_id;
  END IF;
  RETURN NEW;
END;
$$;


--
-- Name: trigger_crates_name_search(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.trigger_crates_name_search() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
                DECLARE kws TEXT;
                begin
                  SELECT array_to_string(array_agg(keyword), ',') INTO kws
                    FROM keywords INNER JOIN crates_keywords
                    ON keywords.id = crates_keywords.keyword_id
                    WHERE crates_keywords.crate_id = new.id;
                  new.textsearchable_index_col :=
                     setweight(to_tsvector('pg_catalog.english',
                                           coalesce(new.name, '')), 'A') ||
                     setweight(to_tsvector('pg_catalog.english',
                                           coalesce(kws, '')), 'B') ||
                     setweight(to_tsvector('pg_catalog.english',
                                           coalesce(new.description, '')), 'C') ||
                     setweight(to_tsvector('pg_catalog.english',
                                           coalesce(new.readme, '')), 'D');
                  return new;
                end
                $$;


--
-- Name: update_categories_crates_cnt(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.update_categories_crates_cnt() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF (TG_OP = 'INSERT') THEN UPDATE categories SET crates_cnt = crates_cnt + 1 WHERE id = NEW.category_id; return NEW; ELSIF (TG_OP = 'DELETE') THEN UPDATE categories SET crates_cnt = crates_cnt - 1 WHERE id = OLD.category_id; return OLD; END IF; END $$;


--
-- Name: update_keywords_crates_cnt(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.update_keywords_crates_cnt() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
            BEGIN
                IF (TG_OP = 'INSERT') THEN
                    UPDATE keywords SET crates_cnt = crates_cnt + 1 WHERE id = NEW.keyword_id;
                    return NEW;
                ELSIF (TG_OP = 'DELETE') THEN
                    UPDATE keywords SET crates_cnt = crates_cnt - 1 WHERE id = OLD.keyword_id;
                    return OLD;
                END IF;
            END
            $$;


--
-- Name: update_num_versions_from_versions(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.update_num_versions_from_versions() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF (TG_OP = 'INSERT') THEN
        INSERT INTO default_versions (crate_id, version_id, num_versions)
        VALUES (NEW.crate_id, NEW.id, 1)
        ON CONFLICT (crate_id) DO UPDATE
        SET num_versions = default_versions.num_versions + 1;
        RETURN NEW;
    ELSIF (TG_OP = 'DELETE') THEN
        UPDATE default_versions
        SET num_versions = num_versions - 1
        WHERE crate_id = OLD.crate_id;
        RETURN OLD;
    END IF;
END
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: api_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_tokens (
    id integer NOT NULL,
    user_id integer NOT NULL,
    token bytea NOT NULL,
    name character varying NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_used_at timestamp with time zone,
    revoked boolean DEFAULT false NOT NULL,
    crate_scopes text[],
    endpoint_scopes text[],
    expired_at timestamp with time zone,
    expiry_notification_at timestamp with time zone
);


--
-- Name: COLUMN api_tokens.crate_scopes; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.api_tokens.crate_scopes IS 'NULL or an array of crate scope patterns (see RFC #2947)';


--
-- Name: COLUMN api_tokens.endpoint_scopes; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.api_tokens.endpoint_scopes IS 'An array of endpoint scopes or NULL for the `legacy` endpoint scope (see RFC #2947)';


--
-- Name: COLUMN api_tokens.expiry_notification_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.api_tokens.expiry_notification_at IS 'timestamp of when the user was informed about their token''s impending expiration';


--
-- Name: api_tokens_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.api_tokens_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: api_tokens_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.api_tokens_id_seq OWNED BY public.api_tokens.id;


--
-- Name: background_jobs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.background_jobs (
    id bigint NOT NULL,
    job_type text NOT NULL,
    data jsonb NOT NULL,
    retries integer DEFAULT 0 NOT NULL,
    last_retry timestamp with time zone DEFAULT '1970-01-01 00:00:00'::timestamp without time zone NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    priority smallint DEFAULT 0 NOT NULL
);


--
-- Name: background_jobs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.background_jobs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: background_jobs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.background_jobs_id_seq OWNED BY public.background_jobs.id;


--
-- Name: categories; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.categories (
    id integer NOT NULL,
    category character varying NOT NULL,
    slug character varying NOT NULL,
    description character varying DEFAULT ''::character varying NOT NULL,
    crates_cnt integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    path public.ltree NOT NULL
);


--
-- Name: categories_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.categories_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: categories_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.categories_id_seq OWNED BY public.categories.id;


--
-- Name: cloudfront_invalidation_queue; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cloudfront_invalidation_queue (
    id bigint NOT NULL,
    path text NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    distribution text DEFAULT 'index'::text NOT NULL
);


--
-- Name: TABLE cloudfront_invalidation_queue; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.cloudfront_invalidation_queue IS 'Queue for batching CloudFront CDN invalidation requests';


--
-- Name: COLUMN cloudfront_invalidation_queue.id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cloudfront_invalidation_queue.id IS 'Unique identifier for each queued invalidation path';


--
-- Name: COLUMN cloudfront_invalidation_queue.path; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cloudfront_invalidation_queue.path IS 'CloudFront path to invalidate (e.g. /crates/serde/serde-1.0.0.crate)';


--
-- Name: COLUMN cloudfront_invalidation_queue.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cloudfront_invalidation_queue.created_at IS 'Timestamp when the path was queued for invalidation';


--
-- Name: COLUMN cloudfront_invalidation_queue.distribution; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cloudfront_invalidation_queue.distribution IS 'CloudFront distribution to invalidate: "index" for index.crates.io, "static" for static.crates.io';


--
-- Name: cloudfront_invalidation_queue_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.cloudfront_invalidation_queue_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: cloudfront_invalidation_queue_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.cloudfront_invalidation_queue_id_seq OWNED BY public.cloudfront_invalidation_queue.id;


--
-- Name: crate_downloads; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crate_downloads (
    crate_id integer NOT NULL,
    downloads bigint DEFAULT 0 NOT NULL
);


--
-- Name: TABLE crate_downloads; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.crate_downloads IS 'Number of downloads per crate. This was extracted from the `crates` table for performance reasons.';


--
-- Name: COLUMN crate_downloads.crate_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.crate_downloads.crate_id IS 'Reference to the crate that this row belongs to.';


--
-- Name: COLUMN crate_downloads.downloads; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.crate_downloads.downloads IS 'The total number of downloads for this crate.';


--
-- Name: crate_owner_invitations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crate_owner_invitations (
    invited_user_id integer NOT NULL,
    invited_by_user_id integer NOT NULL,
    crate_id integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    token text DEFAULT public.random_string(26) NOT NULL,
    expires_at timestamp with time zone NOT NULL
);


--
-- Name: COLUMN crate_owner_invitations.expires_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.crate_owner_invitations.expires_at IS 'Point in time at which the invitation expires/expired.';


--
-- Name: crate_owners; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crate_owners (
    crate_id integer NOT NULL,
    owner_id integer NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    created_by integer,
    deleted boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    owner_kind integer NOT NULL
);


--
-- Name: COLUMN crate_owners.owner_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.crate_owners.owner_id IS 'This refers either to the `users.id` or `teams.id` column, depending on the value of the `owner_kind` column';


--
-- Name: COLUMN crate_owners.owner_kind; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.crate_owners.owner_kind IS '`owner_kind = 0` refers to `users`, `owner_kind = 1` refers to `teams`.';


--
-- Name: crates; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crates (
    id integer NOT NULL,
    name character varying NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    description character varying,
    homepage character varying,
    documentation character varying,
    readme character varying,
    textsearchable_index_col tsvector NOT NULL,
    repository character varying,
    max_upload_size integer,
    max_features smallint,
    trustpub_only boolean DEFAULT false NOT NULL
);


--
-- Name: COLUMN crates.trustpub_only; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.crates.trustpub_only IS 'When true, this crate can only be published via Trusted Publishing, not with API tokens';


--
-- Name: crates_categories; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crates_categories (
    crate_id integer NOT NULL,
    category_id integer NOT NULL
);


--
-- Name: crates_keywords; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crates_keywords (
    crate_id integer NOT NULL,
    keyword_id integer NOT NULL
);


--
-- Name: default_versions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.default_versions (
    crate_id integer NOT NULL,
    version_id integer NOT NULL,
    num_versions integer
);


--
-- Name: TABLE default_versions; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.default_versions IS 'A mapping from crates to the versions that the frontend will display by default.';


--
-- Name: COLUMN default_versions.crate_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.default_versions.crate_id IS 'Reference to the crate in the `crates` table.';


--
-- Name: COLUMN default_versions.version_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.default_versions.version_id IS 'Reference to the version in the `versions` table.';


--
-- Name: COLUMN default_versions.num_versions; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.default_versions.num_versions IS 'The total number of versions.';


--
-- Name: deleted_crates; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.deleted_crates (
    id integer NOT NULL,
    name character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    deleted_at timestamp with time zone NOT NULL,
    deleted_by integer,
    message character varying,
    available_at timestamp with time zone NOT NULL
);


--
-- Name: TABLE deleted_crates; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.deleted_crates IS 'Crates that have been deleted by users';


--
-- Name: COLUMN deleted_crates.id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.deleted_crates.id IS 'Unique identifier of the `deleted_crates` row';


--
-- Name: COLUMN deleted_crates.name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.deleted_crates.name IS 'Name of the deleted crate (use `canon_crate_name()` for normalization, if needed)';


--
-- Name: COLUMN deleted_crates.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.deleted_crates.created_at IS 'Date and time when the crate was created';


--
-- Name: COLUMN deleted_crates.deleted_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.deleted_crates.deleted_at IS 'Date and time when the crate was deleted';


--
-- Name: COLUMN deleted_crates.deleted_by; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.deleted_crates.deleted_by IS 'ID of the user who deleted the crate, or NULL if the user was deleted';


--
-- Name: COLUMN deleted_crates.message; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.deleted_crates.message IS 'Optional message left by the user who deleted the crate';


--
-- Name: COLUMN deleted_crates.available_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.deleted_crates.available_at IS 'Date and time when users will be able to create a new crate with the same name';


--
-- Name: deleted_crates_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.deleted_crates_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: deleted_crates_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.deleted_crates_id_seq OWNED BY public.deleted_crates.id;


--
-- Name: dependencies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.dependencies (
    id integer NOT NULL,
    version_id integer NOT NULL,
    crate_id integer NOT NULL,
    req character varying NOT NULL,
    optional boolean NOT NULL,
    default_features boolean NOT NULL,
    features text[] NOT NULL,
    target character varying,
    kind integer DEFAULT 0 NOT NULL,
    explicit_name character varying
);


--
-- Name: dependencies_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.dependencies_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: dependencies_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.dependencies_id_seq OWNED BY public.dependencies.id;


--
-- Name: emails; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.emails (
    id integer NOT NULL,
    user_id integer NOT NULL,
    email character varying NOT NULL,
    verified boolean DEFAULT false NOT NULL,
    token text DEFAULT public.random_string(26) NOT NULL,
    token_generated_at timestamp with time zone
);


--
-- Name: emails_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.emails_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: emails_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.emails_id_seq OWNED BY public.emails.id;


--
-- Name: follows; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.follows (
    user_id integer NOT NULL,
    crate_id integer NOT NULL
);


--
-- Name: keywords; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.keywords (
    id integer NOT NULL,
    keyword text NOT NULL,
    crates_cnt integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);


--
-- Name: keywords_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.keywords_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: keywords_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.keywords_id_seq OWNED BY public.keywords.id;


--
-- Name: metadata; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.metadata (
    total_downloads bigint NOT NULL
);


--
-- Name: oauth_github; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.oauth_github (
    account_id bigint NOT NULL,
    user_id integer NOT NULL,
    encrypted_token bytea NOT NULL,
    login character varying NOT NULL,
    avatar character varying,
    last_sync timestamp with time zone DEFAULT '1970-01-01 00:00:00+00'::timestamp with time zone NOT NULL
);


--
-- Name: TABLE oauth_github; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.oauth_github IS 'GitHub-specific account information associated with a crates.io account';


--
-- Name: COLUMN oauth_github.account_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.oauth_github.account_id IS 'GitHub ID returned from the oAuth response';


--
-- Name: COLUMN oauth_github.user_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.oauth_github.user_id IS 'Crates.io user ID foreign key';


--
-- Name: COLUMN oauth_github.encrypted_token; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.oauth_github.encrypted_token IS 'Encrypted GitHub access token';


--
-- Name: COLUMN oauth_github.login; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.oauth_github.login IS 'GitHub username';


--
-- Name: COLUMN oauth_github.avatar; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.oauth_github.avatar IS 'GitHub avatar URL';


--
-- Name: COLUMN oauth_github.last_sync; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.oauth_github.last_sync IS 'The last time we verified with GitHub what the GitHub username for this user was, and whether the account was valid';


--
-- Name: packages_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.packages_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: packages_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.packages_id_seq OWNED BY public.crates.id;


--
-- Name: processed_log_files; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.processed_log_files (
    path character varying NOT NULL,
    "time" timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE processed_log_files; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.processed_log_files IS 'List of all processed CDN log files, used to avoid processing the same file multiple times.';


--
-- Name: COLUMN processed_log_files.path; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.processed_log_files.path IS 'Path of the log file inside the S3 bucket';


--
-- Name: COLUMN processed_log_files."time"; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.processed_log_files."time" IS 'Time when the log file was processed';


--
-- Name: publish_limit_buckets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.publish_limit_buckets (
    user_id integer NOT NULL,
    tokens integer NOT NULL,
    last_refill timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    action integer DEFAULT 0 NOT NULL
);


--
-- Name: publish_rate_overrides; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.publish_rate_overrides (
    user_id integer NOT NULL,
    burst integer NOT NULL,
    expires_at timestamp with time zone,
    action integer DEFAULT 0 NOT NULL
);


--
-- Name: readme_renderings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.readme_renderings (
    version_id integer NOT NULL,
    rendered_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);


--
-- Name: version_downloads; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.version_downloads (
    version_id integer NOT NULL,
    downloads integer DEFAULT 1 NOT NULL,
    counted integer DEFAULT 0 NOT NULL,
    date date DEFAULT CURRENT_DATE NOT NULL,
    processed boolean DEFAULT false NOT NULL
);


--
-- Name: versions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.versions (
    id integer NOT NULL,
    crate_id integer NOT NULL,
    num character varying NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    downloads integer DEFAULT 0 NOT NULL,
    features jsonb DEFAULT '{}'::jsonb NOT NULL,
    yanked boolean DEFAULT false NOT NULL,
    license character varying,
    crate_size integer NOT NULL,
    published_by integer,
    links character varying,
    rust_version character varying,
    has_lib boolean,
    bin_names text[],
    yank_message text,
    num_no_build character varying NOT NULL,
    edition text,
    description text,
    homepage text,
    documentation text,
    repository text,
    categories text[] DEFAULT ARRAY[]::text[] NOT NULL,
    keywords text[] DEFAULT ARRAY[]::text[] NOT NULL,
    linecounts jsonb,
    trustpub_data jsonb,
    lib_name text,
    semver_ord_v2 bytea NOT NULL,
    tar_sha256 bytea NOT NULL,
    zip_sha256 bytea,
    zip_json_sha256 bytea,
    CONSTRAINT versions_zip_json_sha256_len CHECK ((octet_length(zip_json_sha256) = 32)),
    CONSTRAINT versions_zip_sha256_len CHECK ((octet_length(zip_sha256) = 32))
);


--
-- Name: COLUMN versions.has_lib; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.has_lib IS 'TRUE if the version has a library (e.g. `src/lib.rs`), FALSE if no library was detected, or NULL if the version has not been analyzed yet.';


--
-- Name: COLUMN versions.bin_names; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.bin_names IS 'list of the names of all detected binaries in the version. the list may be empty which indicates that no binaries were detected in the version. the column may be NULL is the version has not been analyzed yet.';


--
-- Name: COLUMN versions.yank_message; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.yank_message IS 'message associated with a yanked version';


--
-- Name: COLUMN versions.num_no_build; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.num_no_build IS 'This is the same as `num` without the optional "build metadata" part (except for some versions that were published before we started validating this).';


--
-- Name: COLUMN versions.edition; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.edition IS 'The declared Rust Edition required to compile this version of the crate.';


--
-- Name: COLUMN versions.description; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.description IS 'Value of the `description` field in the `Cargo.toml` file of this version.';


--
-- Name: COLUMN versions.homepage; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.homepage IS 'Value of the `homepage` field in the `Cargo.toml` file of this version.';


--
-- Name: COLUMN versions.documentation; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.documentation IS 'Value of the `documentation` field in the `Cargo.toml` file of this version.';


--
-- Name: COLUMN versions.repository; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.repository IS 'Value of the `repository` field in the `Cargo.toml` file of this version.';


--
-- Name: COLUMN versions.categories; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.categories IS 'The list of `categories` in the `Cargo.toml` file of this version.';


--
-- Name: COLUMN versions.keywords; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.keywords IS 'The list of `keywords` in the `Cargo.toml` file of this version.';


--
-- Name: COLUMN versions.linecounts; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.linecounts IS 'Source Lines of Code statistics for this version, stored as JSON with language breakdown and totals.';


--
-- Name: COLUMN versions.trustpub_data; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.trustpub_data IS 'JSONB data containing JWT claims from the trusted publisher (e.g., GitHub Actions context like repository, run_id, sha)';


--
-- Name: COLUMN versions.lib_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.lib_name IS 'The library target name for this version (the Rust identifier used in `use` statements), or NULL if the version has no library target or has not been analyzed yet.';


--
-- Name: COLUMN versions.semver_ord_v2; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.semver_ord_v2 IS 'Order-preserving bytea representation of the version number for sorting purposes.';


--
-- Name: COLUMN versions.tar_sha256; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.tar_sha256 IS 'SHA256 checksum of the crate tarball, stored as 32 raw bytes.';


--
-- Name: COLUMN versions.zip_sha256; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.zip_sha256 IS 'SHA256 checksum of the zip source archive, or `NULL` if it has not been built yet.';


--
-- Name: COLUMN versions.zip_json_sha256; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.versions.zip_json_sha256 IS 'SHA256 checksum of the zip source archive manifest, or `NULL` if it has not been built yet.';


--
-- Name: recent_crate_downloads; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.recent_crate_downloads AS
 SELECT versions.crate_id,
    sum(version_downloads.downloads) AS downloads
   FROM (public.version_downloads
     JOIN public.versions ON ((version_downloads.version_id = versions.id)))
  WHERE (version_downloads.date > date((CURRENT_TIMESTAMP - '90 days'::interval)))
  GROUP BY versions.crate_id
  WITH NO DATA;


--
-- Name: reserved_crate_names; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reserved_crate_names (
    name text NOT NULL
);


--
-- Name: reserved_usernames; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reserved_usernames (
    username text NOT NULL
);


--
-- Name: TABLE reserved_usernames; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.reserved_usernames IS 'Usernames that may not be used for crates.io accounts.';


--
-- Name: COLUMN reserved_usernames.username; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.reserved_usernames.username IS 'The reserved username. Matching is case-insensitive and treats `-` and `_` as equivalent (see `canon_username()`).';


--
-- Name: reverse_dependencies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reverse_dependencies (
    target_crate_id integer NOT NULL,
    dependent_crate_id integer NOT NULL,
    version_id integer NOT NULL,
    dependency_id integer NOT NULL,
    dependent_downloads bigint DEFAULT 0 NOT NULL
);


--
-- Name: TABLE reverse_dependencies; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.reverse_dependencies IS 'Precomputed reverse-dependency edges (target crate <- dependent crate''s default version). Derived cache table maintained by database triggers.';


--
-- Name: COLUMN reverse_dependencies.target_crate_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.reverse_dependencies.target_crate_id IS 'The crate that is being depended upon.';


--
-- Name: COLUMN reverse_dependencies.dependent_crate_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.reverse_dependencies.dependent_crate_id IS 'The crate whose default version depends on the target crate.';


--
-- Name: COLUMN reverse_dependencies.version_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.reverse_dependencies.version_id IS 'The dependent crate''s default version.';


--
-- Name: COLUMN reverse_dependencies.dependency_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.reverse_dependencies.dependency_id IS 'The `dependencies` row used to hydrate the response.';


--
-- Name: COLUMN reverse_dependencies.dependent_downloads; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.reverse_dependencies.dependent_downloads IS 'The dependent crate''s total downloads, used for ordering the reverse dependencies.';


--
-- Name: teams; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.teams (
    id integer NOT NULL,
    login character varying NOT NULL,
    github_id integer NOT NULL,
    name character varying,
    avatar character varying,
    org_id integer NOT NULL,
    CONSTRAINT teams_login_lowercase_ck CHECK (((login)::text = lower((login)::text)))
);


--
-- Name: COLUMN teams.login; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.teams.login IS 'Example: `github:foo:bar` means the `bar` team of the `foo` GitHub organization.';


--
-- Name: COLUMN teams.github_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.teams.github_id IS 'Unique team ID on the GitHub API. When teams are recreated with the same name then they will still get a different ID, so this allows us to avoid potential name reuse attacks.';


--
-- Name: COLUMN teams.org_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.teams.org_id IS 'Unique organization ID on the GitHub API. When organizations are recreated with the same name then they will still get a different ID, so this allows us to avoid potential name reuse attacks.';


--
-- Name: teams_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.teams_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: teams_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.teams_id_seq OWNED BY public.teams.id;


--
-- Name: trustpub_configs_github; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trustpub_configs_github (
    id integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    crate_id integer NOT NULL,
    repository_owner character varying NOT NULL,
    repository_owner_id integer NOT NULL,
    repository_name character varying NOT NULL,
    workflow_filename character varying NOT NULL,
    environment character varying
);


--
-- Name: TABLE trustpub_configs_github; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.trustpub_configs_github IS 'Trusted Publisher configuration for GitHub Actions';


--
-- Name: COLUMN trustpub_configs_github.id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_github.id IS 'Unique identifier of the `trustpub_configs_github` row';


--
-- Name: COLUMN trustpub_configs_github.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_github.created_at IS 'Date and time when the configuration was created';


--
-- Name: COLUMN trustpub_configs_github.crate_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_github.crate_id IS 'Unique identifier of the crate that this configuration is for';


--
-- Name: COLUMN trustpub_configs_github.repository_owner; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_github.repository_owner IS 'GitHub name of the user or organization that owns the repository';


--
-- Name: COLUMN trustpub_configs_github.repository_owner_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_github.repository_owner_id IS 'GitHub ID of the user or organization that owns the repository';


--
-- Name: COLUMN trustpub_configs_github.repository_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_github.repository_name IS 'Name of the repository that this configuration is for';


--
-- Name: COLUMN trustpub_configs_github.workflow_filename; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_github.workflow_filename IS 'Name of the workflow file inside the repository that will be used to publish the crate';


--
-- Name: COLUMN trustpub_configs_github.environment; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_github.environment IS 'GitHub Actions environment that will be used to publish the crate (if `NULL` the environment is unrestricted)';


--
-- Name: trustpub_configs_github_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trustpub_configs_github_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trustpub_configs_github_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trustpub_configs_github_id_seq OWNED BY public.trustpub_configs_github.id;


--
-- Name: trustpub_configs_gitlab; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trustpub_configs_gitlab (
    id integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    crate_id integer NOT NULL,
    namespace character varying NOT NULL,
    namespace_id character varying,
    project character varying NOT NULL,
    workflow_filepath character varying NOT NULL,
    environment character varying
);


--
-- Name: TABLE trustpub_configs_gitlab; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.trustpub_configs_gitlab IS 'Trusted Publisher configuration for GitLab CI';


--
-- Name: COLUMN trustpub_configs_gitlab.id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_gitlab.id IS 'Unique identifier of the `trustpub_configs_gitlab` row';


--
-- Name: COLUMN trustpub_configs_gitlab.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_gitlab.created_at IS 'Date and time when the configuration was created';


--
-- Name: COLUMN trustpub_configs_gitlab.crate_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_gitlab.crate_id IS 'Unique identifier of the crate that this configuration is for';


--
-- Name: COLUMN trustpub_configs_gitlab.namespace; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_gitlab.namespace IS 'GitLab namespace (user or group) that owns the project';


--
-- Name: COLUMN trustpub_configs_gitlab.namespace_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_gitlab.namespace_id IS 'GitLab namespace ID, populated on first token exchange for resurrection attack protection';


--
-- Name: COLUMN trustpub_configs_gitlab.project; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_gitlab.project IS 'Name of the GitLab project that this configuration is for';


--
-- Name: COLUMN trustpub_configs_gitlab.workflow_filepath; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_gitlab.workflow_filepath IS 'Path to the CI/CD configuration file that will be used to publish the crate';


--
-- Name: COLUMN trustpub_configs_gitlab.environment; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_configs_gitlab.environment IS 'GitLab environment that will be used to publish the crate (if `NULL` the environment is unrestricted)';


--
-- Name: trustpub_configs_gitlab_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trustpub_configs_gitlab_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trustpub_configs_gitlab_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trustpub_configs_gitlab_id_seq OWNED BY public.trustpub_configs_gitlab.id;


--
-- Name: trustpub_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trustpub_tokens (
    id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    hashed_token bytea NOT NULL,
    crate_ids integer[] NOT NULL,
    trustpub_data jsonb
);


--
-- Name: TABLE trustpub_tokens; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.trustpub_tokens IS 'Temporary access tokens for Trusted Publishing';


--
-- Name: COLUMN trustpub_tokens.id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_tokens.id IS 'Unique identifier of the `trustpub_tokens` row';


--
-- Name: COLUMN trustpub_tokens.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_tokens.created_at IS 'Date and time when the token was created';


--
-- Name: COLUMN trustpub_tokens.expires_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_tokens.expires_at IS 'Date and time when the token will expire';


--
-- Name: COLUMN trustpub_tokens.hashed_token; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_tokens.hashed_token IS 'SHA256 hash of the token that can be used to publish the crate';


--
-- Name: COLUMN trustpub_tokens.crate_ids; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_tokens.crate_ids IS 'Unique identifiers of the crates that can be published using this token';


--
-- Name: COLUMN trustpub_tokens.trustpub_data; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_tokens.trustpub_data IS 'JSONB data containing JWT claims from the trusted publisher (e.g., GitHub Actions context like repository, run_id, sha)';


--
-- Name: trustpub_tokens_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trustpub_tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trustpub_tokens_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trustpub_tokens_id_seq OWNED BY public.trustpub_tokens.id;


--
-- Name: trustpub_used_jtis; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trustpub_used_jtis (
    id bigint NOT NULL,
    jti character varying NOT NULL,
    used_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL
);


--
-- Name: TABLE trustpub_used_jtis; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.trustpub_used_jtis IS 'Used JWT IDs to prevent token reuse in the Trusted Publishing flow';


--
-- Name: COLUMN trustpub_used_jtis.id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_used_jtis.id IS 'Unique identifier of the `trustpub_used_jtis` row';


--
-- Name: COLUMN trustpub_used_jtis.jti; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_used_jtis.jti IS 'JWT ID from the OIDC token';


--
-- Name: COLUMN trustpub_used_jtis.used_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_used_jtis.used_at IS 'Date and time when the JWT was used';


--
-- Name: COLUMN trustpub_used_jtis.expires_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trustpub_used_jtis.expires_at IS 'Date and time when the JWT would expire';


--
-- Name: trustpub_used_jtis_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trustpub_used_jtis_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trustpub_used_jtis_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trustpub_used_jtis_id_seq OWNED BY public.trustpub_used_jtis.id;


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id integer NOT NULL,
    gh_login character varying NOT NULL,
    name character varying,
    gh_id integer NOT NULL,
    account_lock_reason character varying,
    account_lock_until timestamp with time zone,
    is_admin boolean DEFAULT false NOT NULL,
    publish_notifications boolean DEFAULT true NOT NULL,
    username character varying NOT NULL,
    created_at timestamp with time zone DEFAULT now()
);


--
-- Name: COLUMN users.publish_notifications; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.users.publish_notifications IS 'Whether or not the user wants to receive notifications when a package they own is published';


--
-- Name: COLUMN users.username; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.users.username IS 'Username associated with the user''s crates.io account, independent of linked OAuth usernames.';


--
-- Name: COLUMN users.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.users.created_at IS 'The time the user was created.';


--
-- Name: users_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.users_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: users_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;


--
-- Name: version_owner_actions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.version_owner_actions (
    id integer NOT NULL,
    version_id integer NOT NULL,
    user_id integer NOT NULL,
    api_token_id integer,
    action integer NOT NULL,
    "time" timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: version_owner_actions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.version_owner_actions_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: version_owner_actions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.version_owner_actions_id_seq OWNED BY public.version_owner_actions.id;


--
-- Name: versions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.versions_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: versions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.versions_id_seq OWNED BY public.versions.id;


--
-- Name: versions_published_by; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.versions_published_by (
    version_id integer NOT NULL,
    email character varying NOT NULL
);


--
-- Name: api_tokens id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens ALTER COLUMN id SET DEFAULT nextval('public.api_tokens_id_seq'::regclass);


--
-- Name: background_jobs id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.background_jobs ALTER COLUMN id SET DEFAULT nextval('public.background_jobs_id_seq'::regclass);


--
-- Name: categories id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.categories ALTER COLUMN id SET DEFAULT nextval('public.categories_id_seq'::regclass);


--
-- Name: cloudfront_invalidation_queue id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cloudfront_invalidation_queue ALTER COLUMN id SET DEFAULT nextval('public.cloudfront_invalidation_queue_id_seq'::regclass);


--
-- Name: crates id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crates ALTER COLUMN id SET DEFAULT nextval('public.packages_id_seq'::regclass);


--
-- Name: deleted_crates id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deleted_crates ALTER COLUMN id SET DEFAULT nextval('public.deleted_crates_id_seq'::regclass);


--
-- Name: dependencies id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dependencies ALTER COLUMN id SET DEFAULT nextval('public.dependencies_id_seq'::regclass);


--
-- Name: emails id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.emails ALTER COLUMN id SET DEFAULT nextval('public.emails_id_seq'::regclass);


--
-- Name: keywords id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.keywords ALTER COLUMN id SET DEFAULT nextval('public.keywords_id_seq'::regclass);


--
-- Name: teams id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.teams ALTER COLUMN id SET DEFAULT nextval('public.teams_id_seq'::regclass);


--
-- Name: trustpub_configs_github id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trustpub_configs_github ALTER COLUMN id SET DEFAULT nextval('public.trustpub_configs_github_id_seq'::regclass);


--
-- Name: trustpub_configs_gitlab id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trustpub_configs_gitlab ALTER COLUMN id SET DEFAULT nextval('public.trustpub_configs_gitlab_id_seq'::regclass);


--
-- Name: trustpub_tokens id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trustpub_tokens ALTER COLUMN id SET DEFAULT nextval('public.trustpub_tokens_id_seq'::regclass);


--
-- Name: trustpub_used_jtis id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trustpub_used_jtis ALTER COLUMN id SET DEFAULT nextval('public.trustpub_used_jtis_id_seq'::regclass);


--
-- Name: users id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);


--
-- Name: version_owner_actions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.version_owner_actions ALTER COLUMN id SET DEFAULT nextval('public.version_owner_actions_id_seq'::regclass);


--
-- Name: versions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.versions ALTER COLUMN id SET DEFAULT nextval('public.versions_id_seq'::regclass);


--
-- Name: api_tokens api_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);


--
-- Name: background_jobs background_jobs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.background_jobs
    ADD CONSTRAINT background_jobs_pkey PRIMARY KEY (id);


--
-- Name: categories categories_category_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT categories_category_key UNIQUE (category);


--
-- Name: categories categories_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT categories_pkey PRIMARY KEY (id);


--
-- Name: categories categories_slug_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT categories_slug_key UNIQUE (slug);


--
-- Name: cloudfront_invalidation_queue cloudfront_invalidation_queue_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cloudfront_invalidation_queue
    ADD CONSTRAINT cloudfront_invalidation_queue_pkey PRIMARY KEY (id);


--
-- Name: crate_downloads crate_downloads_pk; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crate_downloads
    ADD CONSTRAINT crate_downloads_pk PRIMARY KEY (crate_id);


--
-- Name: crate_owner_invitations crate_owner_invitations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crate_owner_invitations
    ADD CONSTRAINT crate_owner_invitations_pkey PRIMARY KEY (invited_user_id, crate_id);


--
-- Name: crate_owners crate_owners_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crate_owners
    ADD CONSTRAINT crate_owners_pkey PRIMARY KEY (crate_id, owner_id, owner_kind);


--
-- Name: crates_categories crates_categories_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crates_categories
    ADD CONSTRAINT crates_categories_pkey PRIMARY KEY (crate_id, category_id);


--
-- Name: crates_keywords crates_keywords_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crates_keywords
    ADD CONSTRAINT crates_keywords_pkey PRIMARY KEY (crate_id, keyword_id);


--
-- Name: default_versions default_versions_pk; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.default_versions
    ADD CONSTRAINT default_versions_pk PRIMARY KEY (crate_id);


--
-- Name: deleted_crates deleted_crates_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deleted_crates
    ADD CONSTRAINT deleted_crates_pkey PRIMARY KEY (id);


--
-- Name: dependencies dependencies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dependencies
    ADD CONSTRAINT dependencies_pkey PRIMARY KEY (id);


--
-- Name: emails emails_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.emails
    ADD CONSTRAINT emails_pkey PRIMARY KEY (id);


--
-- Name: emails emails_user_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.emails
    ADD CONSTRAINT emails_user_id_key UNIQUE (user_id);


--
-- Name: follows follows_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follows
    ADD CONSTRAINT follows_pkey PRIMARY KEY (user_id, crate_id);


--
-- Name: keywords keywords_keyword_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.keywords
    ADD CONSTRAINT keywords_keyword_key UNIQUE (keyword);


--
-- Name: keywords keywords_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.keywords
    ADD CONSTRAINT keywords_pkey PRIMARY KEY (id);


--
-- Name: metadata metadata_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.metadata
    ADD CONSTRAINT metadata_pkey PRIMARY KEY (total_downloads);


--
-- Name: oauth_github oauth_github_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_github
    ADD CONSTRAINT oauth_github_pkey PRIMARY KEY (account_id);


--
-- Name: crates packages_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crates
    ADD CONSTRAINT packages_pkey PRIMARY KEY (id);


--
-- Name: processed_log_files processed_log_files_pk; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.processed_log_files
    ADD CONSTRAINT processed_log_files_pk PRIMARY KEY (path);


--
-- Name: publish_limit_buckets publish_limit_buckets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.publish_limit_buckets
    ADD CONSTRAINT publish_limit_buckets_pkey PRIMARY KEY (user_id, action);


--
-- Name: publish_rate_overrides publish_rate_overrides_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.publish_rate_overrides
    ADD CONSTRAINT publish_rate_overrides_pkey PRIMARY KEY (user_id, action);


--
-- Name: readme_renderings readme_renderings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.readme_renderings
    ADD CONSTRAINT readme_renderings_pkey PRIMARY KEY (version_id);


--
-- Name: reserved_crate_names reserved_crate_names_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reserved_crate_names
    ADD CONSTRAINT reserved_crate_names_pkey PRIMARY KEY (name);


--
-- Name: reserved_usernames reserved_usernames_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reserved_usernames
    ADD CONSTRAINT reserved_usernames_pkey PRIMARY KEY (username);


--
-- Name: reverse_dependencies reverse_dependencies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reverse_dependencies
    ADD CONSTRAINT reverse_dependencies_pkey PRIMARY KEY (target_crate_id, dependent_crate_id);


--
-- Name: teams teams_github_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.teams
    ADD CONSTRAINT teams_github_id_key UNIQUE (github_id);


--
-- Name: teams teams_login_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.teams
    ADD CONSTRAINT teams_login_key UNIQUE (login);


--
-- Name: teams teams_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.teams
    ADD CONSTRAINT teams_pkey PRIMARY KEY (id);


--
-- Name: trustpub_configs_github trustpub_configs_github_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trustpub_configs_github
    ADD CONSTRAINT trustpub_configs_github_pkey PRIMARY KEY (id);


--
-- Name: trustpub_configs_gitlab trustpub_configs_gitlab_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trustpub_configs_gitlab
    ADD CONSTRAINT trustpub_configs_gitlab_pkey PRIMARY KEY (id);


--
-- Name: trustpub_tokens trustpub_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trustpub_tokens
    ADD CONSTRAINT trustpub_tokens_pkey PRIMARY KEY (id);


--
-- Name: trustpub_used_jtis trustpub_used_jtis_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trustpub_used_jtis
    ADD CONSTRAINT trustpub_used_jtis_pkey PRIMARY KEY (id);


--
-- Name: versions unique_num; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.versions
    ADD CONSTRAINT unique_num UNIQUE (crate_id, num);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: version_downloads version_downloads_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.version_downloads
    ADD CONSTRAINT version_downloads_pkey PRIMARY KEY (version_id, date);


--
-- Name: version_owner_actions version_owner_actions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.version_owner_actions
    ADD CONSTRAINT version_owner_actions_pkey PRIMARY KEY (id);


--
-- Name: versions versions_num_max_length; Type: CHECK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE public.versions
    ADD CONSTRAINT versions_num_max_length CHECK ((char_length((num)::text) <= 150)) NOT VALID;


--
-- Name: versions versions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.versions
    ADD CONSTRAINT versions_pkey PRIMARY KEY (id);


--
-- Name: versions_published_by versions_published_by_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.versions_published_by
    ADD CONSTRAINT versions_published_by_pkey PRIMARY KEY (version_id);


--
-- Name: versions versions_tar_sha256_len; Type: CHECK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE public.versions
    ADD CONSTRAINT versions_tar_sha256_len CHECK ((octet_length(tar_sha256) = 32)) NOT VALID;


--
-- Name: api_tokens_token_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX api_tokens_token_idx ON public.api_tokens USING btree (token);


--
-- Name: background_jobs_priority_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX background_jobs_priority_id_index ON public.background_jobs USING btree (priority DESC, id);


--
-- Name: crate_downloads_downloads_crate_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX crate_downloads_downloads_crate_id_index ON public.crate_downloads USING btree (downloads DESC, crate_id DESC);


--
-- Name: crate_owners_not_deleted; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX crate_owners_not_deleted ON public.crate_owners USING btree (crate_id, owner_id, owner_kind) WHERE (NOT deleted);


--
-- Name: default_versions_version_id_uindex; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX default_versions_version_id_uindex ON public.default_versions USING btree (version_id);


--
-- Name: deleted_crates_canon_crate_name_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deleted_crates_canon_crate_name_index ON public.deleted_crates USING btree (public.canon_crate_name((name)::text));


--
-- Name: dependencies_crate_id_version_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX dependencies_crate_id_version_id_idx ON public.dependencies USING btree (crate_id, version_id);


--
-- Name: idx_cloudfront_invalidation_queue_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_cloudfront_invalidation_queue_created_at ON public.cloudfront_invalidation_queue USING btree (created_at);


--
-- Name: idx_reserved_usernames_canon_username; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_reserved_usernames_canon_username ON public.reserved_usernames USING btree (public.canon_username(username));


--
-- Name: idx_trustpub_configs_github_repo; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_trustpub_configs_github_repo ON public.trustpub_configs_github USING btree (lower((repository_owner)::text), lower((repository_name)::text));


--
-- Name: index_crate_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_crate_created_at ON public.crates USING btree (created_at);


--
-- Name: index_crate_updated_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_crate_updated_at ON public.crates USING btree (updated_at);


--
-- Name: index_crates_categories_category_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_crates_categories_category_id ON public.crates_categories USING btree (category_id);


--
-- Name: index_crates_categories_crate_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_crates_categories_crate_id ON public.crates_categories USING btree (crate_id);


--
-- Name: index_crates_keywords_crate_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_crates_keywords_crate_id ON public.crates_keywords USING btree (crate_id);


--
-- Name: index_crates_keywords_keyword_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_crates_keywords_keyword_id ON public.crates_keywords USING btree (keyword_id);


--
-- Name: index_crates_name; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX index_crates_name ON public.crates USING btree (public.canon_crate_name((name)::text));


--
-- Name: index_crates_name_ordering; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_crates_name_ordering ON public.crates USING btree (name);


--
-- Name: index_crates_name_search; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_crates_name_search ON public.crates USING gin (textsearchable_index_col);


--
-- Name: index_crates_name_tgrm; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_crates_name_tgrm ON public.crates USING gin (public.canon_crate_name((name)::text) public.gin_trgm_ops);


--
-- Name: index_dependencies_crate_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_dependencies_crate_id ON public.dependencies USING btree (crate_id);


--
-- Name: index_dependencies_version_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_dependencies_version_id ON public.dependencies USING btree (version_id);


--
-- Name: index_keywords_crates_cnt; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_keywords_crates_cnt ON public.keywords USING btree (crates_cnt);


--
-- Name: index_keywords_keyword; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_keywords_keyword ON public.keywords USING btree (keyword);


--
-- Name: index_keywords_lower_keyword; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_keywords_lower_keyword ON public.keywords USING btree (lower(keyword));


--
-- Name: index_oauth_github_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_oauth_github_user_id ON public.oauth_github USING btree (user_id);


--
-- Name: index_recent_crate_downloads_by_downloads; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_recent_crate_downloads_by_downloads ON public.recent_crate_downloads USING btree (downloads);


--
-- Name: index_users_canon_username; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_users_canon_username ON public.users USING btree (public.canon_username((username)::text));


--
-- Name: index_version_downloads_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_version_downloads_date ON public.version_downloads USING brin (date) WITH (pages_per_range='1');


--
-- Name: index_version_downloads_not_processed; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_version_downloads_not_processed ON public.version_downloads USING btree (processed) WHERE (NOT processed);


--
-- Name: index_version_owner_actions_by_version_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX index_version_owner_actions_by_version_id ON public.version_owner_actions USING btree (version_id);


--
-- Name: lower_gh_login; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX lower_gh_login ON public.users USING btree (lower((gh_login)::text));


--
-- Name: path_gist_categories_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX path_gist_categories_idx ON public.categories USING gist (path);


--
-- Name: recent_crate_downloads_crate_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX recent_crate_downloads_crate_id ON public.recent_crate_downloads USING btree (crate_id);


--
-- Name: reverse_dependencies_dependent_crate_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX reverse_dependencies_dependent_crate_id_idx ON public.reverse_dependencies USING btree (dependent_crate_id);


--
-- Name: reverse_dependencies_serve_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX reverse_dependencies_serve_idx ON public.reverse_dependencies USING btree (target_crate_id, dependent_downloads DESC, dependent_crate_id DESC);


--
-- Name: reverse_dependencies_version_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX reverse_dependencies_version_id_idx ON public.reverse_dependencies USING btree (version_id);


--
-- Name: trustpub_tokens_hashed_token_uindex; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX trustpub_tokens_hashed_token_uindex ON public.trustpub_tokens USING btree (hashed_token);


--
-- Name: trustpub_used_jtis_jti_uindex; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX trustpub_used_jtis_jti_uindex ON public.trustpub_used_jtis USING btree (jti);


--
-- Name: users_gh_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX users_gh_id ON public.users USING btree (gh_id) WHERE (gh_id > 0);


--
-- Name: versions_crate_id_num_no_build_uindex; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX versions_crate_id_num_no_build_uindex ON public.versions USING btree (crate_id, num_no_build);


--
-- Name: versions_id_yanked_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX versions_id_yanked_idx ON public.versions USING btree (id) WHERE yanked;


--
-- Name: background_jobs background_jobs_notify_on_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER background_jobs_notify_on_insert AFTER INSERT ON public.background_jobs FOR EACH STATEMENT EXECUTE FUNCTION public.notify_background_job_inserted();


--
-- Name: crates insert_crate_downloads_row; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER insert_crate_downloads_row AFTER INSERT ON public.crates FOR EACH ROW EXECUTE FUNCTION public.insert_crate_downloads_row();


--
-- Name: crate_downloads reverse_dependencies_crate_downloads_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER reverse_dependencies_crate_downloads_update AFTER UPDATE ON public.crate_downloads REFERENCING NEW TABLE AS updated FOR EACH STATEMENT EXECUTE FUNCTION public.reverse_dependencies_crate_downloads_update();


--
-- Name: default_versions reverse_dependencies_default_versions_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER reverse_dependencies_default_versions_insert AFTER INSERT ON public.default_versions REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.reverse_dependencies_default_versions_insert();


--
-- Name: default_versions reverse_dependencies_default_versions_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER reverse_dependencies_default_versions_update AFTER UPDATE ON public.default_versions REFERENCING OLD TABLE AS old_default_versions NEW TABLE AS new_default_versions FOR EACH STATEMENT EXECUTE FUNCTION public.reverse_dependencies_default_versions_update();


--
-- Name: dependencies reverse_dependencies_dependencies_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER reverse_dependencies_dependencies_insert AFTER INSERT ON public.dependencies REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.reverse_dependencies_dependencies_insert();


--
-- Name: versions reverse_dependencies_versions_yanked; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER reverse_dependencies_versions_yanked AFTER UPDATE OF yanked ON public.versions FOR EACH ROW WHEN ((old.yanked IS DISTINCT FROM new.yanked)) EXECUTE FUNCTION public.reverse_dependencies_versions_yanked();


--
-- Name: categories set_category_path_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER set_category_path_insert BEFORE INSERT ON public.categories FOR EACH ROW EXECUTE FUNCTION public.set_category_path_to_slug();


--
-- Name: categories set_category_path_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER set_category_path_update BEFORE UPDATE OF slug ON public.categories FOR EACH ROW EXECUTE FUNCTION public.set_category_path_to_slug();


--
-- Name: versions touch_crate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER touch_crate BEFORE INSERT OR UPDATE ON public.versions FOR EACH ROW EXECUTE FUNCTION public.touch_crate_on_version_modified();


--
-- Name: crates_categories touch_crate_on_modify_categories; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER touch_crate_on_modify_categories AFTER INSERT OR DELETE ON public.crates_categories FOR EACH ROW EXECUTE FUNCTION public.touch_crate();


--
-- Name: crates_keywords touch_crate_on_modify_keywords; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER touch_crate_on_modify_keywords AFTER INSERT OR DELETE ON public.crates_keywords FOR EACH ROW EXECUTE FUNCTION public.touch_crate();


--
-- Name: crate_owners trigger_crate_owners_set_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trigger_crate_owners_set_updated_at BEFORE UPDATE ON public.crate_owners FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();


--
-- Name: crates trigger_crates_set_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trigger_crates_set_updated_at BEFORE UPDATE ON public.crates FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();


--
-- Name: crates trigger_crates_tsvector_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trigger_crates_tsvector_update BEFORE INSERT OR UPDATE OF updated_at ON public.crates FOR EACH ROW EXECUTE FUNCTION public.trigger_crates_name_search();


--
-- Name: emails trigger_emails_reconfirm; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trigger_emails_reconfirm BEFORE UPDATE ON public.emails FOR EACH ROW EXECUTE FUNCTION public.reconfirm_email_on_email_change();


--
-- Name: emails trigger_emails_set_token_generated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trigger_emails_set_token_generated_at BEFORE INSERT OR UPDATE OF token ON public.emails FOR EACH ROW EXECUTE FUNCTION public.emails_set_token_generated_at();


--
-- Name: crates trigger_ensure_crate_name_not_reserved; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trigger_ensure_crate_name_not_reserved BEFORE INSERT OR UPDATE ON public.crates FOR EACH ROW EXECUTE FUNCTION public.ensure_crate_name_not_reserved();


--
-- Name: reserved_crate_names trigger_ensure_reserved_name_not_in_use; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trigger_ensure_reserved_name_not_in_use BEFORE INSERT OR UPDATE ON public.reserved_crate_names FOR EACH ROW EXECUTE FUNCTION public.ensure_reserved_name_not_in_use();


--
-- Name: users trigger_ensure_username_not_reserved; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trigger_ensure_username_not_reserved BEFORE INSERT OR UPDATE OF username ON public.users FOR EACH ROW EXECUTE FUNCTION public.ensure_username_not_reserved();


--
-- Name: versions trigger_set_semver_ord_v2; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trigger_set_semver_ord_v2 BEFORE INSERT ON public.versions FOR EACH ROW EXECUTE FUNCTION public.set_semver_ord_v2();


--
-- Name: crates_categories trigger_update_categories_crates_cnt; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trigger_update_categories_crates_cnt BEFORE INSERT OR DELETE ON public.crates_categories FOR EACH ROW EXECUTE FUNCTION public.update_categories_crates_cnt();


--
-- Name: crates_keywords trigger_update_keywords_crates_cnt; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trigger_update_keywords_crates_cnt BEFORE INSERT OR DELETE ON public.crates_keywords FOR EACH ROW EXECUTE FUNCTION public.update_keywords_crates_cnt();


--
-- Name: versions trigger_update_num_versions_from_versions; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trigger_update_num_versions_from_versions AFTER INSERT OR DELETE ON public.versions FOR EACH ROW EXECUTE FUNCTION public.update_num_versions_from_versions();


--
-- Name: versions trigger_versions_set_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trigger_versions_set_updated_at BEFORE UPDATE OF yanked ON public.versions FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();


--
-- Name: api_tokens api_tokens_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: crate_downloads crate_downloads_crates_id_fk; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crate_downloads
    ADD CONSTRAINT crate_downloads_crates_id_fk FOREIGN KEY (crate_id) REFERENCES public.crates(id) ON DELETE CASCADE;


--
-- Name: crate_owner_invitations crate_owner_invitations_crate_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crate_owner_invitations
    ADD CONSTRAINT crate_owner_invitations_crate_id_fkey FOREIGN KEY (crate_id) REFERENCES public.crates(id) ON DELETE CASCADE;


--
-- Name: crate_owner_invitations crate_owner_invitations_invited_by_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crate_owner_invitations
    ADD CONSTRAINT crate_owner_invitations_invited_by_user_id_fkey FOREIGN KEY (invited_by_user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: crate_owner_invitations crate_owner_invitations_invited_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crate_owner_invitations
    ADD CONSTRAINT crate_owner_invitations_invited_user_id_fkey FOREIGN KEY (invited_user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: default_versions default_versions_crates_id_fk; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.default_versions
    ADD CONSTRAINT default_versions_crates_id_fk FOREIGN KEY (crate_id) REFERENCES public.crates(id) ON DELETE CASCADE;


--
-- Name: CONSTRAINT default_versions_crates_id_fk ON default_versions; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON CONSTRAINT default_versions_crates_id_fk ON public.default_versions IS 'This is a `cascade` delete because we want to delete the row when the crate is deleted.';


--
-- Name: default_versions default_versions_versions_id_fk; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.default_versions
    ADD CONSTRAINT default_versions_versions_id_fk FOREIGN KEY (version_id) REFERENCES public.versions(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: CONSTRAINT default_versions_versions_id_fk ON default_versions; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON CONSTRAINT default_versions_versions_id_fk ON public.default_versions IS 'This is a `no action` delete because we want to fail the version deletion unless the default version is updated in the same transaction.';


--
-- Name: deleted_crates deleted_crates_users_id_fk; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deleted_crates
    ADD CONSTRAINT deleted_crates_users_id_fk FOREIGN KEY (deleted_by) REFERENCES public.users(id) ON DELETE SET NULL;


--
-- Name: crate_owners fk_crate_owners_crate_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crate_owners
    ADD CONSTRAINT fk_crate_owners_crate_id FOREIGN KEY (crate_id) REFERENCES public.crates(id) ON DELETE CASCADE;


--
-- Name: crate_owners fk_crate_owners_created_by; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crate_owners
    ADD CONSTRAINT fk_crate_owners_created_by FOREIGN KEY (created_by) REFERENCES public.users(id);


--
-- Name: crates_categories fk_crates_categories_category_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crates_categories
    ADD CONSTRAINT fk_crates_categories_category_id FOREIGN KEY (category_id) REFERENCES public.categories(id) ON DELETE CASCADE;


--
-- Name: crates_categories fk_crates_categories_crate_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crates_categories
    ADD CONSTRAINT fk_crates_categories_crate_id FOREIGN KEY (crate_id) REFERENCES public.crates(id) ON DELETE CASCADE;


--
-- Name: crates_keywords fk_crates_keywords_crate_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crates_keywords
    ADD CONSTRAINT fk_crates_keywords_crate_id FOREIGN KEY (crate_id) REFERENCES public.crates(id) ON DELETE CASCADE;


--
-- Name: crates_keywords fk_crates_keywords_keyword_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crates_keywords
    ADD CONSTRAINT fk_crates_keywords_keyword_id FOREIGN KEY (keyword_id) REFERENCES public.keywords(id);


--
-- Name: dependencies fk_dependencies_crate_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dependencies
    ADD CONSTRAINT fk_dependencies_crate_id FOREIGN KEY (crate_id) REFERENCES public.crates(id) ON DELETE CASCADE;


--
-- Name: dependencies fk_dependencies_version_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dependencies
    ADD CONSTRAINT fk_dependencies_version_id FOREIGN KEY (version_id) REFERENCES public.versions(id) ON DELETE CASCADE;


--
-- Name: emails fk_emails_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.emails
    ADD CONSTRAINT fk_emails_user_id FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: follows fk_follows_crate_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follows
    ADD CONSTRAINT fk_follows_crate_id FOREIGN KEY (crate_id) REFERENCES public.crates(id) ON DELETE CASCADE;


--
-- Name: follows fk_follows_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follows
    ADD CONSTRAINT fk_follows_user_id FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: version_downloads fk_version_downloads_version_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.version_downloads
    ADD CONSTRAINT fk_version_downloads_version_id FOREIGN KEY (version_id) REFERENCES public.versions(id) ON DELETE CASCADE;


--
-- Name: versions fk_versions_crate_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.versions
    ADD CONSTRAINT fk_versions_crate_id FOREIGN KEY (crate_id) REFERENCES public.crates(id) ON DELETE CASCADE;


--
-- Name: versions fk_versions_published_by; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.versions
    ADD CONSTRAINT fk_versions_published_by FOREIGN KEY (published_by) REFERENCES public.users(id);


--
-- Name: oauth_github oauth_github_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_github
    ADD CONSTRAINT oauth_github_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: publish_limit_buckets publish_limit_buckets_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.publish_limit_buckets
    ADD CONSTRAINT publish_limit_buckets_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: publish_rate_overrides publish_rate_overrides_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.publish_rate_overrides
    ADD CONSTRAINT publish_rate_overrides_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: readme_renderings readme_renderings_version_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.readme_renderings
    ADD CONSTRAINT readme_renderings_version_id_fkey FOREIGN KEY (version_id) REFERENCES public.versions(id) ON DELETE CASCADE;


--
-- Name: reverse_dependencies reverse_dependencies_dependent_crate_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reverse_dependencies
    ADD CONSTRAINT reverse_dependencies_dependent_crate_id_fkey FOREIGN KEY (dependent_crate_id) REFERENCES public.crates(id) ON DELETE CASCADE;


--
-- Name: reverse_dependencies reverse_dependencies_target_crate_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reverse_dependencies
    ADD CONSTRAINT reverse_dependencies_target_crate_id_fkey FOREIGN KEY (target_crate_id) REFERENCES public.crates(id) ON DELETE CASCADE;


--
-- Name: reverse_dependencies reverse_dependencies_version_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reverse_dependencies
    ADD CONSTRAINT reverse_dependencies_version_id_fkey FOREIGN KEY (version_id) REFERENCES public.versions(id) ON DELETE CASCADE;


--
-- Name: trustpub_configs_github trustpub_configs_github_crate_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trustpub_configs_github
    ADD CONSTRAINT trustpub_configs_github_crate_id_fkey FOREIGN KEY (crate_id) REFERENCES public.crates(id) ON DELETE CASCADE;


--
-- Name: trustpub_configs_gitlab trustpub_configs_gitlab_crate_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trustpub_configs_gitlab
    ADD CONSTRAINT trustpub_configs_gitlab_crate_id_fkey FOREIGN KEY (crate_id) REFERENCES public.crates(id) ON DELETE CASCADE;


--
-- Name: version_owner_actions version_owner_actions_owner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.version_owner_actions
    ADD CONSTRAINT version_owner_actions_owner_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: version_owner_actions version_owner_actions_owner_token_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.version_owner_actions
    ADD CONSTRAINT version_owner_actions_owner_token_id_fkey FOREIGN KEY (api_token_id) REFERENCES public.api_tokens(id);


--
-- Name: version_owner_actions version_owner_actions_version_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.version_owner_actions
    ADD CONSTRAINT version_owner_actions_version_id_fkey FOREIGN KEY (version_id) REFERENCES public.versions(id) ON DELETE CASCADE;


--
-- Name: versions_published_by versions_published_by_version_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.versions_published_by
    ADD CONSTRAINT versions_published_by_version_id_fkey FOREIGN KEY (version_id) REFERENCES public.versions(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


