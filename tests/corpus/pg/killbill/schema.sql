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
-- Name: blob; Type: DOMAIN; Schema: public; Owner: -
--

CREATE DOMAIN public.blob AS bytea;


--
-- Name: datetime; Type: DOMAIN; Schema: public; Owner: -
--

CREATE DOMAIN public.datetime AS timestamp without time zone;


--
-- Name: longtext; Type: DOMAIN; Schema: public; Owner: -
--

CREATE DOMAIN public.longtext AS text;


--
-- Name: mediumblob; Type: DOMAIN; Schema: public; Owner: -
--

CREATE DOMAIN public.mediumblob AS bytea;


--
-- Name: mediumtext; Type: DOMAIN; Schema: public; Owner: -
--

CREATE DOMAIN public.mediumtext AS text;


--
-- Name: hour(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.hour(ts timestamp with time zone) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE
    AS $$
    DECLARE
        result INTEGER;
    BEGIN
        SELECT EXTRACT(HOUR FROM ts) INTO result;
        RETURN result;
    EXCEPTION WHEN OTHERS THEN
        SELECT NULL INTO result;
        RETURN result;
    END;
$$;


--
-- Name: last_insert_id(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.last_insert_id() RETURNS bigint
    LANGUAGE plpgsql
    AS $$
    DECLARE
        result BIGINT;
    BEGIN
        SELECT lastval() INTO result;
        RETURN result;
    EXCEPTION WHEN OTHERS THEN
        SELECT NULL INTO result;
        RETURN result;
    END;
$$;


--
-- Name: schema(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.schema() RETURNS character varying
    LANGUAGE plpgsql IMMUTABLE
    AS $$
    DECLARE
        result VARCHAR;
    BEGIN
        SELECT current_schema() INTO result;
        RETURN result;
    EXCEPTION WHEN OTHERS THEN
        SELECT NULL INTO result;
        RETURN result;
    END;
$$;


--
-- Name: update_serial_to_bigint_oncreate(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.update_serial_to_bigint_oncreate() RETURNS event_trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    r record;
    matches text[];
BEGIN
    FOR r IN SELECT * FROM pg_event_trigger_ddl_commands()
    LOOP
	    SELECT regexp_matches(current_query(), E'\\m(\\w+)\\s+serial\\M') INTO matches;
	    IF r.object_type = 'table' AND array_length(matches, 1) > 0 THEN
            RAISE NOTICE 'Altering % % column % from serial to bigint',
                     r.object_type,
                     r.object_identity,
                     matches[1];
             EXECUTE 'ALTER TABLE ' || r.object_identity || ' ALTER COLUMN ' || matches[1] || ' TYPE bigint';
        END IF;
    END LOOP;
END
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: account_email_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.account_email_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    account_id character varying(36) NOT NULL,
    email character varying(128) NOT NULL,
    is_active boolean DEFAULT true,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: account_email_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.account_email_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: account_email_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.account_email_history_record_id_seq OWNED BY public.account_email_history.record_id;


--
-- Name: account_emails; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.account_emails (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    account_id character varying(36) NOT NULL,
    email character varying(128) NOT NULL,
    is_active boolean DEFAULT true,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: account_emails_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.account_emails_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: account_emails_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.account_emails_record_id_seq OWNED BY public.account_emails.record_id;


--
-- Name: account_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.account_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    external_key character varying(255) NOT NULL,
    email character varying(128) DEFAULT NULL::character varying,
    name character varying(100) DEFAULT NULL::character varying,
    first_name_length integer,
    currency character varying(3) DEFAULT NULL::character varying,
    billing_cycle_day_local integer,
    parent_account_id character varying(36) DEFAULT NULL::character varying,
    is_payment_delegated_to_parent boolean DEFAULT false,
    payment_method_id character varying(36) DEFAULT NULL::character varying,
    reference_time public.datetime NOT NULL,
    time_zone character varying(50) NOT NULL,
    locale character varying(5) DEFAULT NULL::character varying,
    address1 character varying(100) DEFAULT NULL::character varying,
    address2 character varying(100) DEFAULT NULL::character varying,
    company_name character varying(50) DEFAULT NULL::character varying,
    city character varying(50) DEFAULT NULL::character varying,
    state_or_province character varying(50) DEFAULT NULL::character varying,
    country character varying(50) DEFAULT NULL::character varying,
    postal_code character varying(16) DEFAULT NULL::character varying,
    phone character varying(25) DEFAULT NULL::character varying,
    notes character varying(4096) DEFAULT NULL::character varying,
    migrated boolean DEFAULT false,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: account_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.account_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: account_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.account_history_record_id_seq OWNED BY public.account_history.record_id;


--
-- Name: accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.accounts (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    external_key character varying(255) NOT NULL,
    email character varying(128) DEFAULT NULL::character varying,
    name character varying(100) DEFAULT NULL::character varying,
    first_name_length integer,
    currency character varying(3) DEFAULT NULL::character varying,
    billing_cycle_day_local integer,
    parent_account_id character varying(36) DEFAULT NULL::character varying,
    is_payment_delegated_to_parent boolean DEFAULT false,
    payment_method_id character varying(36) DEFAULT NULL::character varying,
    reference_time public.datetime NOT NULL,
    time_zone character varying(50) NOT NULL,
    locale character varying(5) DEFAULT NULL::character varying,
    address1 character varying(100) DEFAULT NULL::character varying,
    address2 character varying(100) DEFAULT NULL::character varying,
    company_name character varying(50) DEFAULT NULL::character varying,
    city character varying(50) DEFAULT NULL::character varying,
    state_or_province character varying(50) DEFAULT NULL::character varying,
    country character varying(50) DEFAULT NULL::character varying,
    postal_code character varying(16) DEFAULT NULL::character varying,
    phone character varying(25) DEFAULT NULL::character varying,
    notes character varying(4096) DEFAULT NULL::character varying,
    migrated boolean DEFAULT false,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    updated_date public.datetime DEFAULT NULL::timestamp without time zone,
    updated_by character varying(50) DEFAULT NULL::character varying,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: accounts_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.accounts_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: accounts_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.accounts_record_id_seq OWNED BY public.accounts.record_id;


--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    table_name character varying(50) NOT NULL,
    change_type character varying(6) NOT NULL,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    reason_code character varying(255) DEFAULT NULL::character varying,
    comments character varying(255) DEFAULT NULL::character varying,
    user_token character varying(36),
    account_record_id bigint,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: audit_log_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.audit_log_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: audit_log_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.audit_log_record_id_seq OWNED BY public.audit_log.record_id;


--
-- Name: blocking_state_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.blocking_state_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    blockable_id character varying(36) NOT NULL,
    type character varying(20) NOT NULL,
    state character varying(50) NOT NULL,
    service character varying(20) NOT NULL,
    block_change boolean NOT NULL,
    block_entitlement boolean NOT NULL,
    block_billing boolean NOT NULL,
    effective_date public.datetime NOT NULL,
    is_active boolean DEFAULT true,
    change_type character varying(6) NOT NULL,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    updated_date public.datetime DEFAULT NULL::timestamp without time zone,
    updated_by character varying(50) DEFAULT NULL::character varying,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: blocking_state_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.blocking_state_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: blocking_state_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.blocking_state_history_record_id_seq OWNED BY public.blocking_state_history.record_id;


--
-- Name: blocking_states; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.blocking_states (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    blockable_id character varying(36) NOT NULL,
    type character varying(20) NOT NULL,
    state character varying(50) NOT NULL,
    service character varying(20) NOT NULL,
    block_change boolean NOT NULL,
    block_entitlement boolean NOT NULL,
    block_billing boolean NOT NULL,
    effective_date public.datetime NOT NULL,
    is_active boolean DEFAULT true,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    updated_date public.datetime DEFAULT NULL::timestamp without time zone,
    updated_by character varying(50) DEFAULT NULL::character varying,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: blocking_states_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.blocking_states_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: blocking_states_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.blocking_states_record_id_seq OWNED BY public.blocking_states.record_id;


--
-- Name: bundle_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bundle_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    external_key character varying(255) NOT NULL,
    account_id character varying(36) NOT NULL,
    last_sys_update_date public.datetime,
    original_created_date public.datetime NOT NULL,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: bundle_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.bundle_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: bundle_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.bundle_history_record_id_seq OWNED BY public.bundle_history.record_id;


--
-- Name: bundles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bundles (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    external_key character varying(255) NOT NULL,
    account_id character varying(36) NOT NULL,
    last_sys_update_date public.datetime,
    original_created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: bundles_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.bundles_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: bundles_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.bundles_record_id_seq OWNED BY public.bundles.record_id;


--
-- Name: bus_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bus_events (
    record_id bigint NOT NULL,
    class_name character varying(128) NOT NULL,
    event_json text NOT NULL,
    user_token character varying(36),
    created_date public.datetime NOT NULL,
    creating_owner character varying(50) NOT NULL,
    processing_owner character varying(50) DEFAULT NULL::character varying,
    processing_available_date public.datetime DEFAULT NULL::timestamp without time zone,
    processing_state character varying(14) DEFAULT 'AVAILABLE'::character varying,
    error_count integer DEFAULT 0,
    search_key1 bigint,
    search_key2 bigint DEFAULT 0 NOT NULL
);


--
-- Name: bus_events_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bus_events_history (
    record_id bigint NOT NULL,
    class_name character varying(128) NOT NULL,
    event_json text NOT NULL,
    user_token character varying(36),
    created_date public.datetime NOT NULL,
    creating_owner character varying(50) NOT NULL,
    processing_owner character varying(50) DEFAULT NULL::character varying,
    processing_available_date public.datetime DEFAULT NULL::timestamp without time zone,
    processing_state character varying(14) DEFAULT 'AVAILABLE'::character varying,
    error_count integer DEFAULT 0,
    search_key1 bigint,
    search_key2 bigint DEFAULT 0 NOT NULL
);


--
-- Name: bus_events_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.bus_events_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: bus_events_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.bus_events_history_record_id_seq OWNED BY public.bus_events_history.record_id;


--
-- Name: bus_events_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.bus_events_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: bus_events_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.bus_events_record_id_seq OWNED BY public.bus_events.record_id;


--
-- Name: bus_ext_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bus_ext_events (
    record_id bigint NOT NULL,
    class_name character varying(128) NOT NULL,
    event_json text NOT NULL,
    user_token character varying(36),
    created_date public.datetime NOT NULL,
    creating_owner character varying(50) NOT NULL,
    processing_owner character varying(50) DEFAULT NULL::character varying,
    processing_available_date public.datetime DEFAULT NULL::timestamp without time zone,
    processing_state character varying(14) DEFAULT 'AVAILABLE'::character varying,
    error_count integer DEFAULT 0,
    search_key1 bigint,
    search_key2 bigint DEFAULT 0 NOT NULL
);


--
-- Name: bus_ext_events_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bus_ext_events_history (
    record_id bigint NOT NULL,
    class_name character varying(128) NOT NULL,
    event_json text NOT NULL,
    user_token character varying(36),
    created_date public.datetime NOT NULL,
    creating_owner character varying(50) NOT NULL,
    processing_owner character varying(50) DEFAULT NULL::character varying,
    processing_available_date public.datetime DEFAULT NULL::timestamp without time zone,
    processing_state character varying(14) DEFAULT 'AVAILABLE'::character varying,
    error_count integer DEFAULT 0,
    search_key1 bigint,
    search_key2 bigint DEFAULT 0 NOT NULL
);


--
-- Name: bus_ext_events_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.bus_ext_events_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: bus_ext_events_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.bus_ext_events_history_record_id_seq OWNED BY public.bus_ext_events_history.record_id;


--
-- Name: bus_ext_events_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.bus_ext_events_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: bus_ext_events_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.bus_ext_events_record_id_seq OWNED BY public.bus_ext_events.record_id;


--
-- Name: catalog_override_block_definition; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_override_block_definition (
    record_id bigint NOT NULL,
    parent_unit_name character varying(255) NOT NULL,
    bsize numeric(18,9) NOT NULL,
    max numeric(18,9),
    currency character varying(3) NOT NULL,
    price numeric(15,9) NOT NULL,
    effective_date public.datetime NOT NULL,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: catalog_override_block_definition_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.catalog_override_block_definition_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: catalog_override_block_definition_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.catalog_override_block_definition_record_id_seq OWNED BY public.catalog_override_block_definition.record_id;


--
-- Name: catalog_override_phase_definition; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_override_phase_definition (
    record_id bigint NOT NULL,
    parent_phase_name character varying(255) NOT NULL,
    currency character varying(3) NOT NULL,
    fixed_price numeric(15,9),
    recurring_price numeric(15,9),
    effective_date public.datetime NOT NULL,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: catalog_override_phase_definition_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.catalog_override_phase_definition_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: catalog_override_phase_definition_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.catalog_override_phase_definition_record_id_seq OWNED BY public.catalog_override_phase_definition.record_id;


--
-- Name: catalog_override_phase_usage; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_override_phase_usage (
    record_id bigint NOT NULL,
    usage_number integer,
    usage_def_record_id bigint NOT NULL,
    target_phase_def_record_id bigint NOT NULL,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: catalog_override_phase_usage_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.catalog_override_phase_usage_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: catalog_override_phase_usage_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.catalog_override_phase_usage_record_id_seq OWNED BY public.catalog_override_phase_usage.record_id;


--
-- Name: catalog_override_plan_definition; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_override_plan_definition (
    record_id bigint NOT NULL,
    parent_plan_name character varying(255) NOT NULL,
    effective_date public.datetime NOT NULL,
    is_active boolean DEFAULT true,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: catalog_override_plan_definition_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.catalog_override_plan_definition_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: catalog_override_plan_definition_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.catalog_override_plan_definition_record_id_seq OWNED BY public.catalog_override_plan_definition.record_id;


--
-- Name: catalog_override_plan_phase; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_override_plan_phase (
    record_id bigint NOT NULL,
    phase_number integer NOT NULL,
    phase_def_record_id bigint NOT NULL,
    target_plan_def_record_id bigint NOT NULL,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: catalog_override_plan_phase_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.catalog_override_plan_phase_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: catalog_override_plan_phase_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.catalog_override_plan_phase_record_id_seq OWNED BY public.catalog_override_plan_phase.record_id;


--
-- Name: catalog_override_tier_block; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_override_tier_block (
    record_id bigint NOT NULL,
    block_number integer,
    block_def_record_id bigint NOT NULL,
    target_tier_def_record_id bigint NOT NULL,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: catalog_override_tier_block_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.catalog_override_tier_block_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: catalog_override_tier_block_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.catalog_override_tier_block_record_id_seq OWNED BY public.catalog_override_tier_block.record_id;


--
-- Name: catalog_override_tier_definition; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_override_tier_definition (
    record_id bigint NOT NULL,
    fixed_price numeric(15,9),
    recurring_price numeric(15,9),
    currency character varying(3) NOT NULL,
    effective_date public.datetime NOT NULL,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: catalog_override_tier_definition_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.catalog_override_tier_definition_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: catalog_override_tier_definition_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.catalog_override_tier_definition_record_id_seq OWNED BY public.catalog_override_tier_definition.record_id;


--
-- Name: catalog_override_usage_definition; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_override_usage_definition (
    record_id bigint NOT NULL,
    parent_usage_name character varying(255) NOT NULL,
    type character varying(255) NOT NULL,
    fixed_price numeric(15,9),
    recurring_price numeric(15,9),
    currency character varying(3) NOT NULL,
    effective_date public.datetime NOT NULL,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: catalog_override_usage_definition_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.catalog_override_usage_definition_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: catalog_override_usage_definition_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.catalog_override_usage_definition_record_id_seq OWNED BY public.catalog_override_usage_definition.record_id;


--
-- Name: catalog_override_usage_tier; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_override_usage_tier (
    record_id bigint NOT NULL,
    tier_number integer,
    tier_def_record_id bigint NOT NULL,
    target_usage_def_record_id bigint NOT NULL,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: catalog_override_usage_tier_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.catalog_override_usage_tier_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: catalog_override_usage_tier_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.catalog_override_usage_tier_record_id_seq OWNED BY public.catalog_override_usage_tier.record_id;


--
-- Name: custom_field_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.custom_field_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    object_id character varying(36) NOT NULL,
    object_type character varying(30) NOT NULL,
    is_active boolean DEFAULT true,
    field_name character varying(64),
    field_value character varying(255),
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: custom_field_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.custom_field_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: custom_field_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.custom_field_history_record_id_seq OWNED BY public.custom_field_history.record_id;


--
-- Name: custom_fields; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.custom_fields (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    object_id character varying(36) NOT NULL,
    object_type character varying(30) NOT NULL,
    is_active boolean DEFAULT true,
    field_name character varying(64) NOT NULL,
    field_value character varying(255),
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) DEFAULT NULL::character varying,
    updated_date public.datetime DEFAULT NULL::timestamp without time zone,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: custom_fields_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.custom_fields_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: custom_fields_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.custom_fields_record_id_seq OWNED BY public.custom_fields.record_id;


--
-- Name: invoice_billing_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_billing_events (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    invoice_id character varying(36) NOT NULL,
    billing_events public.blob NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: invoice_billing_events_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoice_billing_events_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: invoice_billing_events_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.invoice_billing_events_record_id_seq OWNED BY public.invoice_billing_events.record_id;


--
-- Name: invoice_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    account_id character varying(36) NOT NULL,
    invoice_date date NOT NULL,
    target_date date,
    currency character varying(3) NOT NULL,
    status character varying(15) DEFAULT 'COMMITTED'::character varying NOT NULL,
    migrated boolean NOT NULL,
    parent_invoice boolean DEFAULT false NOT NULL,
    grp_id character varying(36) NOT NULL,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: invoice_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoice_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: invoice_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.invoice_history_record_id_seq OWNED BY public.invoice_history.record_id;


--
-- Name: invoice_item_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_item_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    type character varying(24) NOT NULL,
    invoice_id character varying(36) NOT NULL,
    account_id character varying(36) NOT NULL,
    child_account_id character varying(36),
    bundle_id character varying(36),
    subscription_id character varying(36),
    description character varying(255),
    product_name character varying(255),
    plan_name character varying(255),
    phase_name character varying(255),
    usage_name character varying(255),
    catalog_effective_date public.datetime,
    start_date date,
    end_date date,
    amount numeric(15,9) NOT NULL,
    rate numeric(15,9),
    currency character varying(3) NOT NULL,
    linked_item_id character varying(36),
    quantity numeric(18,9),
    item_details text,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: invoice_item_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoice_item_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: invoice_item_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.invoice_item_history_record_id_seq OWNED BY public.invoice_item_history.record_id;


--
-- Name: invoice_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_items (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    type character varying(24) NOT NULL,
    invoice_id character varying(36) NOT NULL,
    account_id character varying(36) NOT NULL,
    child_account_id character varying(36),
    bundle_id character varying(36),
    subscription_id character varying(36),
    description character varying(255),
    product_name character varying(255),
    plan_name character varying(255),
    phase_name character varying(255),
    usage_name character varying(255),
    catalog_effective_date public.datetime,
    start_date date,
    end_date date,
    amount numeric(15,9) NOT NULL,
    rate numeric(15,9),
    currency character varying(3) NOT NULL,
    linked_item_id character varying(36),
    quantity numeric(18,9),
    item_details text,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: invoice_items_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoice_items_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: invoice_items_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.invoice_items_record_id_seq OWNED BY public.invoice_items.record_id;


--
-- Name: invoice_parent_children; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_parent_children (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    parent_invoice_id character varying(36) NOT NULL,
    child_invoice_id character varying(36) NOT NULL,
    child_account_id character varying(36) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: invoice_parent_children_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoice_parent_children_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: invoice_parent_children_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.invoice_parent_children_record_id_seq OWNED BY public.invoice_parent_children.record_id;


--
-- Name: invoice_payment_control_plugin_auto_pay_off; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_payment_control_plugin_auto_pay_off (
    record_id bigint NOT NULL,
    attempt_id character varying(36) NOT NULL,
    payment_external_key character varying(255) NOT NULL,
    transaction_external_key character varying(255) NOT NULL,
    account_id character varying(36) NOT NULL,
    plugin_name character varying(50) NOT NULL,
    payment_id character varying(36),
    amount numeric(15,9),
    currency character varying(3),
    is_active boolean DEFAULT true,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL
);


--
-- Name: invoice_payment_control_plugin_auto_pay_off_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoice_payment_control_plugin_auto_pay_off_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: invoice_payment_control_plugin_auto_pay_off_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.invoice_payment_control_plugin_auto_pay_off_record_id_seq OWNED BY public.invoice_payment_control_plugin_auto_pay_off.record_id;


--
-- Name: invoice_payment_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_payment_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    type character varying(24) NOT NULL,
    invoice_id character varying(36) NOT NULL,
    payment_id character varying(36),
    payment_date public.datetime NOT NULL,
    amount numeric(15,9) NOT NULL,
    currency character varying(3) NOT NULL,
    processed_currency character varying(3) NOT NULL,
    payment_cookie_id character varying(255) DEFAULT NULL::character varying,
    linked_invoice_payment_id character varying(36) DEFAULT NULL::character varying,
    status character varying(50) NOT NULL,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: invoice_payment_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoice_payment_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: invoice_payment_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.invoice_payment_history_record_id_seq OWNED BY public.invoice_payment_history.record_id;


--
-- Name: invoice_payments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_payments (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    type character varying(24) NOT NULL,
    invoice_id character varying(36) NOT NULL,
    payment_id character varying(36),
    payment_date public.datetime NOT NULL,
    amount numeric(15,9) NOT NULL,
    currency character varying(3) NOT NULL,
    processed_currency character varying(3) NOT NULL,
    payment_cookie_id character varying(255) DEFAULT NULL::character varying,
    linked_invoice_payment_id character varying(36) DEFAULT NULL::character varying,
    status character varying(50) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: invoice_payments_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoice_payments_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: invoice_payments_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.invoice_payments_record_id_seq OWNED BY public.invoice_payments.record_id;


--
-- Name: invoice_tracking_id_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_tracking_id_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    tracking_id character varying(128) NOT NULL,
    invoice_id character varying(36) NOT NULL,
    subscription_id character varying(36),
    unit_type character varying(255) NOT NULL,
    record_date date NOT NULL,
    is_active boolean DEFAULT true,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: invoice_tracking_id_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoice_tracking_id_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: invoice_tracking_id_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.invoice_tracking_id_history_record_id_seq OWNED BY public.invoice_tracking_id_history.record_id;


--
-- Name: invoice_tracking_ids; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_tracking_ids (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    tracking_id character varying(128) NOT NULL,
    invoice_id character varying(36) NOT NULL,
    subscription_id character varying(36),
    unit_type character varying(255) NOT NULL,
    record_date date NOT NULL,
    is_active boolean DEFAULT true,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: invoice_tracking_ids_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoice_tracking_ids_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: invoice_tracking_ids_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.invoice_tracking_ids_record_id_seq OWNED BY public.invoice_tracking_ids.record_id;


--
-- Name: invoices; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoices (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    account_id character varying(36) NOT NULL,
    invoice_date date NOT NULL,
    target_date date,
    currency character varying(3) NOT NULL,
    status character varying(15) DEFAULT 'COMMITTED'::character varying NOT NULL,
    migrated boolean NOT NULL,
    parent_invoice boolean DEFAULT false NOT NULL,
    grp_id character varying(36) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: invoices_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoices_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: invoices_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.invoices_record_id_seq OWNED BY public.invoices.record_id;


--
-- Name: node_infos; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.node_infos (
    record_id bigint NOT NULL,
    node_name character varying(50) NOT NULL,
    boot_date public.datetime NOT NULL,
    updated_date public.datetime DEFAULT NULL::timestamp without time zone,
    node_info text NOT NULL,
    is_active boolean DEFAULT true
);


--
-- Name: node_infos_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.node_infos_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: node_infos_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.node_infos_record_id_seq OWNED BY public.node_infos.record_id;


--
-- Name: notifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notifications (
    record_id bigint NOT NULL,
    class_name character varying(256) NOT NULL,
    event_json text NOT NULL,
    user_token character varying(36),
    created_date public.datetime NOT NULL,
    creating_owner character varying(50) NOT NULL,
    processing_owner character varying(50) DEFAULT NULL::character varying,
    processing_available_date public.datetime DEFAULT NULL::timestamp without time zone,
    processing_state character varying(14) DEFAULT 'AVAILABLE'::character varying,
    error_count integer DEFAULT 0,
    search_key1 bigint NOT NULL,
    search_key2 bigint DEFAULT 0 NOT NULL,
    queue_name character varying(64) NOT NULL,
    effective_date public.datetime NOT NULL,
    future_user_token character varying(36)
);


--
-- Name: notifications_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notifications_history (
    record_id bigint NOT NULL,
    class_name character varying(256) NOT NULL,
    event_json text NOT NULL,
    user_token character varying(36),
    created_date public.datetime NOT NULL,
    creating_owner character varying(50) NOT NULL,
    processing_owner character varying(50) DEFAULT NULL::character varying,
    processing_available_date public.datetime DEFAULT NULL::timestamp without time zone,
    processing_state character varying(14) DEFAULT 'AVAILABLE'::character varying,
    error_count integer DEFAULT 0,
    search_key1 bigint NOT NULL,
    search_key2 bigint DEFAULT 0 NOT NULL,
    queue_name character varying(64) NOT NULL,
    effective_date public.datetime NOT NULL,
    future_user_token character varying(36)
);


--
-- Name: notifications_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.notifications_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: notifications_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.notifications_history_record_id_seq OWNED BY public.notifications_history.record_id;


--
-- Name: notifications_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.notifications_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: notifications_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.notifications_record_id_seq OWNED BY public.notifications.record_id;


--
-- Name: payment_attempt_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payment_attempt_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    account_id character varying(36) NOT NULL,
    payment_method_id character varying(36) DEFAULT NULL::character varying,
    payment_external_key character varying(255) NOT NULL,
    transaction_id character varying(36),
    transaction_external_key character varying(255) NOT NULL,
    transaction_type character varying(32) NOT NULL,
    state_name character varying(32) NOT NULL,
    amount numeric(15,9),
    currency character varying(3),
    plugin_name character varying(1024) NOT NULL,
    plugin_properties public.mediumblob,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: payment_attempt_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.payment_attempt_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: payment_attempt_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.payment_attempt_history_record_id_seq OWNED BY public.payment_attempt_history.record_id;


--
-- Name: payment_attempts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payment_attempts (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    account_id character varying(36) NOT NULL,
    payment_method_id character varying(36) DEFAULT NULL::character varying,
    payment_external_key character varying(255) NOT NULL,
    transaction_id character varying(36),
    transaction_external_key character varying(255) NOT NULL,
    transaction_type character varying(32) NOT NULL,
    state_name character varying(32) NOT NULL,
    amount numeric(15,9),
    currency character varying(3),
    plugin_name character varying(1024) NOT NULL,
    plugin_properties public.mediumblob,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: payment_attempts_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.payment_attempts_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: payment_attempts_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.payment_attempts_record_id_seq OWNED BY public.payment_attempts.record_id;


--
-- Name: payment_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payment_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    account_id character varying(36) NOT NULL,
    payment_method_id character varying(36) NOT NULL,
    external_key character varying(255) NOT NULL,
    state_name character varying(64) DEFAULT NULL::character varying,
    last_success_state_name character varying(64) DEFAULT NULL::character varying,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: payment_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.payment_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: payment_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.payment_history_record_id_seq OWNED BY public.payment_history.record_id;


--
-- Name: payment_method_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payment_method_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    external_key character varying(255) NOT NULL,
    target_record_id bigint NOT NULL,
    account_id character varying(36) NOT NULL,
    plugin_name character varying(50) NOT NULL,
    is_active boolean DEFAULT true,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: payment_method_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.payment_method_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: payment_method_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.payment_method_history_record_id_seq OWNED BY public.payment_method_history.record_id;


--
-- Name: payment_methods; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payment_methods (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    external_key character varying(255) NOT NULL,
    account_id character varying(36) NOT NULL,
    plugin_name character varying(50) NOT NULL,
    is_active boolean DEFAULT true,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: payment_methods_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.payment_methods_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: payment_methods_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.payment_methods_record_id_seq OWNED BY public.payment_methods.record_id;


--
-- Name: payment_transaction_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payment_transaction_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    attempt_id character varying(36) DEFAULT NULL::character varying,
    transaction_external_key character varying(255) NOT NULL,
    target_record_id bigint NOT NULL,
    transaction_type character varying(32) NOT NULL,
    effective_date public.datetime NOT NULL,
    transaction_status character varying(50) NOT NULL,
    amount numeric(15,9),
    currency character varying(3),
    processed_amount numeric(15,9),
    processed_currency character varying(3),
    payment_id character varying(36) NOT NULL,
    gateway_error_code character varying(32),
    gateway_error_msg text,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: payment_transaction_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.payment_transaction_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: payment_transaction_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.payment_transaction_history_record_id_seq OWNED BY public.payment_transaction_history.record_id;


--
-- Name: payment_transactions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payment_transactions (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    attempt_id character varying(36) DEFAULT NULL::character varying,
    transaction_external_key character varying(255) NOT NULL,
    transaction_type character varying(32) NOT NULL,
    effective_date public.datetime NOT NULL,
    transaction_status character varying(50) NOT NULL,
    amount numeric(15,9),
    currency character varying(3),
    processed_amount numeric(15,9),
    processed_currency character varying(3),
    payment_id character varying(36) NOT NULL,
    gateway_error_code character varying(32),
    gateway_error_msg text,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: payment_transactions_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.payment_transactions_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: payment_transactions_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.payment_transactions_record_id_seq OWNED BY public.payment_transactions.record_id;


--
-- Name: payments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    account_id character varying(36) NOT NULL,
    payment_method_id character varying(36) NOT NULL,
    external_key character varying(255) NOT NULL,
    state_name character varying(64) DEFAULT NULL::character varying,
    last_success_state_name character varying(64) DEFAULT NULL::character varying,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: payments_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.payments_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: payments_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.payments_record_id_seq OWNED BY public.payments.record_id;


--
-- Name: roles_permissions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.roles_permissions (
    record_id bigint NOT NULL,
    role_name character varying(128),
    permission character varying(128),
    is_active boolean DEFAULT true,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    updated_date public.datetime DEFAULT NULL::timestamp without time zone,
    updated_by character varying(50) DEFAULT NULL::character varying
);


--
-- Name: roles_permissions_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.roles_permissions_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: roles_permissions_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.roles_permissions_record_id_seq OWNED BY public.roles_permissions.record_id;


--
-- Name: rolled_up_usage; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.rolled_up_usage (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    subscription_id character varying(36) NOT NULL,
    unit_type character varying(255) NOT NULL,
    record_date public.datetime NOT NULL,
    amount numeric(18,9) NOT NULL,
    tracking_id character varying(128) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: rolled_up_usage_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.rolled_up_usage_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: rolled_up_usage_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.rolled_up_usage_record_id_seq OWNED BY public.rolled_up_usage.record_id;


--
-- Name: service_broadcasts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.service_broadcasts (
    record_id bigint NOT NULL,
    service_name character varying(50) NOT NULL,
    type character varying(64) NOT NULL,
    event text NOT NULL,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL
);


--
-- Name: service_broadcasts_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.service_broadcasts_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: service_broadcasts_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.service_broadcasts_record_id_seq OWNED BY public.service_broadcasts.record_id;


--
-- Name: sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sessions (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    start_timestamp public.datetime NOT NULL,
    last_access_time public.datetime DEFAULT NULL::timestamp without time zone,
    timeout integer,
    host character varying(100) DEFAULT NULL::character varying,
    session_data public.mediumblob DEFAULT NULL::bytea
);


--
-- Name: sessions_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.sessions_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: sessions_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.sessions_record_id_seq OWNED BY public.sessions.record_id;


--
-- Name: subscription_event_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.subscription_event_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    event_type character varying(15) NOT NULL,
    user_type character varying(25) DEFAULT NULL::character varying,
    effective_date public.datetime NOT NULL,
    subscription_id character varying(36) NOT NULL,
    plan_name character varying(255) DEFAULT NULL::character varying,
    phase_name character varying(255) DEFAULT NULL::character varying,
    price_list_name character varying(64) DEFAULT NULL::character varying,
    billing_cycle_day_local integer,
    quantity integer DEFAULT 1,
    is_active boolean DEFAULT true,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: subscription_event_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.subscription_event_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: subscription_event_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.subscription_event_history_record_id_seq OWNED BY public.subscription_event_history.record_id;


--
-- Name: subscription_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.subscription_events (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    event_type character varying(15) NOT NULL,
    user_type character varying(25) DEFAULT NULL::character varying,
    effective_date public.datetime NOT NULL,
    subscription_id character varying(36) NOT NULL,
    plan_name character varying(255) DEFAULT NULL::character varying,
    phase_name character varying(255) DEFAULT NULL::character varying,
    price_list_name character varying(64) DEFAULT NULL::character varying,
    billing_cycle_day_local integer,
    quantity integer DEFAULT 1,
    is_active boolean DEFAULT true,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: subscription_events_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.subscription_events_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: subscription_events_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.subscription_events_record_id_seq OWNED BY public.subscription_events.record_id;


--
-- Name: subscription_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.subscription_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    bundle_id character varying(36) NOT NULL,
    external_key character varying(255) NOT NULL,
    category character varying(32) NOT NULL,
    start_date public.datetime NOT NULL,
    bundle_start_date public.datetime NOT NULL,
    charged_through_date public.datetime DEFAULT NULL::timestamp without time zone,
    migrated boolean DEFAULT false NOT NULL,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: subscription_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.subscription_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: subscription_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.subscription_history_record_id_seq OWNED BY public.subscription_history.record_id;


--
-- Name: subscriptions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.subscriptions (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    bundle_id character varying(36) NOT NULL,
    external_key character varying(255) NOT NULL,
    category character varying(32) NOT NULL,
    start_date public.datetime NOT NULL,
    bundle_start_date public.datetime NOT NULL,
    charged_through_date public.datetime DEFAULT NULL::timestamp without time zone,
    migrated boolean DEFAULT false NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: subscriptions_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.subscriptions_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: subscriptions_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.subscriptions_record_id_seq OWNED BY public.subscriptions.record_id;


--
-- Name: tag_definition_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tag_definition_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    name character varying(30) NOT NULL,
    applicable_object_types character varying(500),
    description character varying(200),
    is_active boolean DEFAULT true,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: tag_definition_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.tag_definition_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tag_definition_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.tag_definition_history_record_id_seq OWNED BY public.tag_definition_history.record_id;


--
-- Name: tag_definitions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tag_definitions (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    name character varying(20) NOT NULL,
    applicable_object_types character varying(500),
    description character varying(200) NOT NULL,
    is_active boolean DEFAULT true,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: tag_definitions_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.tag_definitions_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tag_definitions_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.tag_definitions_record_id_seq OWNED BY public.tag_definitions.record_id;


--
-- Name: tag_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tag_history (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint NOT NULL,
    object_id character varying(36) NOT NULL,
    object_type character varying(30) NOT NULL,
    tag_definition_id character varying(36) NOT NULL,
    is_active boolean DEFAULT true,
    change_type character varying(6) NOT NULL,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: tag_history_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.tag_history_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tag_history_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.tag_history_record_id_seq OWNED BY public.tag_history.record_id;


--
-- Name: tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tags (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    tag_definition_id character varying(36) NOT NULL,
    object_id character varying(36) NOT NULL,
    object_type character varying(30) NOT NULL,
    is_active boolean DEFAULT true,
    created_by character varying(50) NOT NULL,
    created_date public.datetime NOT NULL,
    updated_by character varying(50) NOT NULL,
    updated_date public.datetime NOT NULL,
    account_record_id bigint NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: tags_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.tags_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tags_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.tags_record_id_seq OWNED BY public.tags.record_id;


--
-- Name: tenant_broadcasts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tenant_broadcasts (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    target_record_id bigint,
    target_table_name character varying(50) NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL,
    type character varying(64) NOT NULL,
    user_token character varying(36),
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    updated_date public.datetime DEFAULT NULL::timestamp without time zone,
    updated_by character varying(50) DEFAULT NULL::character varying
);


--
-- Name: tenant_broadcasts_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.tenant_broadcasts_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tenant_broadcasts_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.tenant_broadcasts_record_id_seq OWNED BY public.tenant_broadcasts.record_id;


--
-- Name: tenant_kvs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tenant_kvs (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    tenant_record_id bigint DEFAULT 0 NOT NULL,
    tenant_key character varying(255) NOT NULL,
    tenant_value public.mediumtext NOT NULL,
    is_active boolean DEFAULT true,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    updated_date public.datetime DEFAULT NULL::timestamp without time zone,
    updated_by character varying(50) DEFAULT NULL::character varying
);


--
-- Name: tenant_kvs_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.tenant_kvs_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tenant_kvs_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.tenant_kvs_record_id_seq OWNED BY public.tenant_kvs.record_id;


--
-- Name: tenants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tenants (
    record_id bigint NOT NULL,
    id character varying(36) NOT NULL,
    external_key character varying(255),
    api_key character varying(128),
    api_secret character varying(128),
    api_salt character varying(128),
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    updated_date public.datetime DEFAULT NULL::timestamp without time zone,
    updated_by character varying(50) DEFAULT NULL::character varying
);


--
-- Name: tenants_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.tenants_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tenants_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.tenants_record_id_seq OWNED BY public.tenants.record_id;


--
-- Name: user_roles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.user_roles (
    record_id bigint NOT NULL,
    username character varying(128),
    role_name character varying(128),
    is_active boolean DEFAULT true,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    updated_date public.datetime DEFAULT NULL::timestamp without time zone,
    updated_by character varying(50) DEFAULT NULL::character varying
);


--
-- Name: user_roles_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.user_roles_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: user_roles_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.user_roles_record_id_seq OWNED BY public.user_roles.record_id;


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    record_id bigint NOT NULL,
    username character varying(128),
    password character varying(128),
    password_salt character varying(128),
    is_active boolean DEFAULT true,
    created_date public.datetime NOT NULL,
    created_by character varying(50) NOT NULL,
    updated_date public.datetime DEFAULT NULL::timestamp without time zone,
    updated_by character varying(50) DEFAULT NULL::character varying
);


--
-- Name: users_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.users_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: users_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.users_record_id_seq OWNED BY public.users.record_id;


--
-- Name: account_email_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.account_email_history ALTER COLUMN record_id SET DEFAULT nextval('public.account_email_history_record_id_seq'::regclass);


--
-- Name: account_emails record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.account_emails ALTER COLUMN record_id SET DEFAULT nextval('public.account_emails_record_id_seq'::regclass);


--
-- Name: account_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.account_history ALTER COLUMN record_id SET DEFAULT nextval('public.account_history_record_id_seq'::regclass);


--
-- Name: accounts record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts ALTER COLUMN record_id SET DEFAULT nextval('public.accounts_record_id_seq'::regclass);


--
-- Name: audit_log record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log ALTER COLUMN record_id SET DEFAULT nextval('public.audit_log_record_id_seq'::regclass);


--
-- Name: blocking_state_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blocking_state_history ALTER COLUMN record_id SET DEFAULT nextval('public.blocking_state_history_record_id_seq'::regclass);


--
-- Name: blocking_states record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blocking_states ALTER COLUMN record_id SET DEFAULT nextval('public.blocking_states_record_id_seq'::regclass);


--
-- Name: bundle_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bundle_history ALTER COLUMN record_id SET DEFAULT nextval('public.bundle_history_record_id_seq'::regclass);


--
-- Name: bundles record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bundles ALTER COLUMN record_id SET DEFAULT nextval('public.bundles_record_id_seq'::regclass);


--
-- Name: bus_events record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bus_events ALTER COLUMN record_id SET DEFAULT nextval('public.bus_events_record_id_seq'::regclass);


--
-- Name: bus_events_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bus_events_history ALTER COLUMN record_id SET DEFAULT nextval('public.bus_events_history_record_id_seq'::regclass);


--
-- Name: bus_ext_events record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bus_ext_events ALTER COLUMN record_id SET DEFAULT nextval('public.bus_ext_events_record_id_seq'::regclass);


--
-- Name: bus_ext_events_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bus_ext_events_history ALTER COLUMN record_id SET DEFAULT nextval('public.bus_ext_events_history_record_id_seq'::regclass);


--
-- Name: catalog_override_block_definition record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_block_definition ALTER COLUMN record_id SET DEFAULT nextval('public.catalog_override_block_definition_record_id_seq'::regclass);


--
-- Name: catalog_override_phase_definition record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_phase_definition ALTER COLUMN record_id SET DEFAULT nextval('public.catalog_override_phase_definition_record_id_seq'::regclass);


--
-- Name: catalog_override_phase_usage record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_phase_usage ALTER COLUMN record_id SET DEFAULT nextval('public.catalog_override_phase_usage_record_id_seq'::regclass);


--
-- Name: catalog_override_plan_definition record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_plan_definition ALTER COLUMN record_id SET DEFAULT nextval('public.catalog_override_plan_definition_record_id_seq'::regclass);


--
-- Name: catalog_override_plan_phase record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_plan_phase ALTER COLUMN record_id SET DEFAULT nextval('public.catalog_override_plan_phase_record_id_seq'::regclass);


--
-- Name: catalog_override_tier_block record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_tier_block ALTER COLUMN record_id SET DEFAULT nextval('public.catalog_override_tier_block_record_id_seq'::regclass);


--
-- Name: catalog_override_tier_definition record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_tier_definition ALTER COLUMN record_id SET DEFAULT nextval('public.catalog_override_tier_definition_record_id_seq'::regclass);


--
-- Name: catalog_override_usage_definition record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_usage_definition ALTER COLUMN record_id SET DEFAULT nextval('public.catalog_override_usage_definition_record_id_seq'::regclass);


--
-- Name: catalog_override_usage_tier record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_usage_tier ALTER COLUMN record_id SET DEFAULT nextval('public.catalog_override_usage_tier_record_id_seq'::regclass);


--
-- Name: custom_field_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custom_field_history ALTER COLUMN record_id SET DEFAULT nextval('public.custom_field_history_record_id_seq'::regclass);


--
-- Name: custom_fields record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custom_fields ALTER COLUMN record_id SET DEFAULT nextval('public.custom_fields_record_id_seq'::regclass);


--
-- Name: invoice_billing_events record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_billing_events ALTER COLUMN record_id SET DEFAULT nextval('public.invoice_billing_events_record_id_seq'::regclass);


--
-- Name: invoice_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_history ALTER COLUMN record_id SET DEFAULT nextval('public.invoice_history_record_id_seq'::regclass);


--
-- Name: invoice_item_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_item_history ALTER COLUMN record_id SET DEFAULT nextval('public.invoice_item_history_record_id_seq'::regclass);


--
-- Name: invoice_items record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_items ALTER COLUMN record_id SET DEFAULT nextval('public.invoice_items_record_id_seq'::regclass);


--
-- Name: invoice_parent_children record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_parent_children ALTER COLUMN record_id SET DEFAULT nextval('public.invoice_parent_children_record_id_seq'::regclass);


--
-- Name: invoice_payment_control_plugin_auto_pay_off record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_payment_control_plugin_auto_pay_off ALTER COLUMN record_id SET DEFAULT nextval('public.invoice_payment_control_plugin_auto_pay_off_record_id_seq'::regclass);


--
-- Name: invoice_payment_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_payment_history ALTER COLUMN record_id SET DEFAULT nextval('public.invoice_payment_history_record_id_seq'::regclass);


--
-- Name: invoice_payments record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_payments ALTER COLUMN record_id SET DEFAULT nextval('public.invoice_payments_record_id_seq'::regclass);


--
-- Name: invoice_tracking_id_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_tracking_id_history ALTER COLUMN record_id SET DEFAULT nextval('public.invoice_tracking_id_history_record_id_seq'::regclass);


--
-- Name: invoice_tracking_ids record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_tracking_ids ALTER COLUMN record_id SET DEFAULT nextval('public.invoice_tracking_ids_record_id_seq'::regclass);


--
-- Name: invoices record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices ALTER COLUMN record_id SET DEFAULT nextval('public.invoices_record_id_seq'::regclass);


--
-- Name: node_infos record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.node_infos ALTER COLUMN record_id SET DEFAULT nextval('public.node_infos_record_id_seq'::regclass);


--
-- Name: notifications record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications ALTER COLUMN record_id SET DEFAULT nextval('public.notifications_record_id_seq'::regclass);


--
-- Name: notifications_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications_history ALTER COLUMN record_id SET DEFAULT nextval('public.notifications_history_record_id_seq'::regclass);


--
-- Name: payment_attempt_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_attempt_history ALTER COLUMN record_id SET DEFAULT nextval('public.payment_attempt_history_record_id_seq'::regclass);


--
-- Name: payment_attempts record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_attempts ALTER COLUMN record_id SET DEFAULT nextval('public.payment_attempts_record_id_seq'::regclass);


--
-- Name: payment_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_history ALTER COLUMN record_id SET DEFAULT nextval('public.payment_history_record_id_seq'::regclass);


--
-- Name: payment_method_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_method_history ALTER COLUMN record_id SET DEFAULT nextval('public.payment_method_history_record_id_seq'::regclass);


--
-- Name: payment_methods record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_methods ALTER COLUMN record_id SET DEFAULT nextval('public.payment_methods_record_id_seq'::regclass);


--
-- Name: payment_transaction_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_transaction_history ALTER COLUMN record_id SET DEFAULT nextval('public.payment_transaction_history_record_id_seq'::regclass);


--
-- Name: payment_transactions record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_transactions ALTER COLUMN record_id SET DEFAULT nextval('public.payment_transactions_record_id_seq'::regclass);


--
-- Name: payments record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments ALTER COLUMN record_id SET DEFAULT nextval('public.payments_record_id_seq'::regclass);


--
-- Name: roles_permissions record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.roles_permissions ALTER COLUMN record_id SET DEFAULT nextval('public.roles_permissions_record_id_seq'::regclass);


--
-- Name: rolled_up_usage record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rolled_up_usage ALTER COLUMN record_id SET DEFAULT nextval('public.rolled_up_usage_record_id_seq'::regclass);


--
-- Name: service_broadcasts record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.service_broadcasts ALTER COLUMN record_id SET DEFAULT nextval('public.service_broadcasts_record_id_seq'::regclass);


--
-- Name: sessions record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions ALTER COLUMN record_id SET DEFAULT nextval('public.sessions_record_id_seq'::regclass);


--
-- Name: subscription_event_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription_event_history ALTER COLUMN record_id SET DEFAULT nextval('public.subscription_event_history_record_id_seq'::regclass);


--
-- Name: subscription_events record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription_events ALTER COLUMN record_id SET DEFAULT nextval('public.subscription_events_record_id_seq'::regclass);


--
-- Name: subscription_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription_history ALTER COLUMN record_id SET DEFAULT nextval('public.subscription_history_record_id_seq'::regclass);


--
-- Name: subscriptions record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscriptions ALTER COLUMN record_id SET DEFAULT nextval('public.subscriptions_record_id_seq'::regclass);


--
-- Name: tag_definition_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tag_definition_history ALTER COLUMN record_id SET DEFAULT nextval('public.tag_definition_history_record_id_seq'::regclass);


--
-- Name: tag_definitions record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tag_definitions ALTER COLUMN record_id SET DEFAULT nextval('public.tag_definitions_record_id_seq'::regclass);


--
-- Name: tag_history record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tag_history ALTER COLUMN record_id SET DEFAULT nextval('public.tag_history_record_id_seq'::regclass);


--
-- Name: tags record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags ALTER COLUMN record_id SET DEFAULT nextval('public.tags_record_id_seq'::regclass);


--
-- Name: tenant_broadcasts record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenant_broadcasts ALTER COLUMN record_id SET DEFAULT nextval('public.tenant_broadcasts_record_id_seq'::regclass);


--
-- Name: tenant_kvs record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenant_kvs ALTER COLUMN record_id SET DEFAULT nextval('public.tenant_kvs_record_id_seq'::regclass);


--
-- Name: tenants record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenants ALTER COLUMN record_id SET DEFAULT nextval('public.tenants_record_id_seq'::regclass);


--
-- Name: user_roles record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.user_roles ALTER COLUMN record_id SET DEFAULT nextval('public.user_roles_record_id_seq'::regclass);


--
-- Name: users record_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users ALTER COLUMN record_id SET DEFAULT nextval('public.users_record_id_seq'::regclass);


--
-- Name: account_email_history account_email_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.account_email_history
    ADD CONSTRAINT account_email_history_pkey PRIMARY KEY (record_id);


--
-- Name: account_emails account_emails_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.account_emails
    ADD CONSTRAINT account_emails_pkey PRIMARY KEY (record_id);


--
-- Name: account_history account_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.account_history
    ADD CONSTRAINT account_history_pkey PRIMARY KEY (record_id);


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (record_id);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (record_id);


--
-- Name: blocking_state_history blocking_state_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blocking_state_history
    ADD CONSTRAINT blocking_state_history_pkey PRIMARY KEY (record_id);


--
-- Name: blocking_states blocking_states_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blocking_states
    ADD CONSTRAINT blocking_states_pkey PRIMARY KEY (record_id);


--
-- Name: bundle_history bundle_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bundle_history
    ADD CONSTRAINT bundle_history_pkey PRIMARY KEY (record_id);


--
-- Name: bundles bundles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bundles
    ADD CONSTRAINT bundles_pkey PRIMARY KEY (record_id);


--
-- Name: bus_events_history bus_events_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bus_events_history
    ADD CONSTRAINT bus_events_history_pkey PRIMARY KEY (record_id);


--
-- Name: bus_events bus_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bus_events
    ADD CONSTRAINT bus_events_pkey PRIMARY KEY (record_id);


--
-- Name: bus_ext_events_history bus_ext_events_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bus_ext_events_history
    ADD CONSTRAINT bus_ext_events_history_pkey PRIMARY KEY (record_id);


--
-- Name: bus_ext_events bus_ext_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bus_ext_events
    ADD CONSTRAINT bus_ext_events_pkey PRIMARY KEY (record_id);


--
-- Name: catalog_override_block_definition catalog_override_block_definition_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_block_definition
    ADD CONSTRAINT catalog_override_block_definition_pkey PRIMARY KEY (record_id);


--
-- Name: catalog_override_phase_definition catalog_override_phase_definition_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_phase_definition
    ADD CONSTRAINT catalog_override_phase_definition_pkey PRIMARY KEY (record_id);


--
-- Name: catalog_override_phase_usage catalog_override_phase_usage_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_phase_usage
    ADD CONSTRAINT catalog_override_phase_usage_pkey PRIMARY KEY (record_id);


--
-- Name: catalog_override_plan_definition catalog_override_plan_definition_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_plan_definition
    ADD CONSTRAINT catalog_override_plan_definition_pkey PRIMARY KEY (record_id);


--
-- Name: catalog_override_plan_phase catalog_override_plan_phase_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_plan_phase
    ADD CONSTRAINT catalog_override_plan_phase_pkey PRIMARY KEY (record_id);


--
-- Name: catalog_override_tier_block catalog_override_tier_block_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_tier_block
    ADD CONSTRAINT catalog_override_tier_block_pkey PRIMARY KEY (record_id);


--
-- Name: catalog_override_tier_definition catalog_override_tier_definition_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_tier_definition
    ADD CONSTRAINT catalog_override_tier_definition_pkey PRIMARY KEY (record_id);


--
-- Name: catalog_override_usage_definition catalog_override_usage_definition_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_usage_definition
    ADD CONSTRAINT catalog_override_usage_definition_pkey PRIMARY KEY (record_id);


--
-- Name: catalog_override_usage_tier catalog_override_usage_tier_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_override_usage_tier
    ADD CONSTRAINT catalog_override_usage_tier_pkey PRIMARY KEY (record_id);


--
-- Name: custom_field_history custom_field_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custom_field_history
    ADD CONSTRAINT custom_field_history_pkey PRIMARY KEY (record_id);


--
-- Name: custom_fields custom_fields_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custom_fields
    ADD CONSTRAINT custom_fields_pkey PRIMARY KEY (record_id);


--
-- Name: invoice_billing_events invoice_billing_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_billing_events
    ADD CONSTRAINT invoice_billing_events_pkey PRIMARY KEY (record_id);


--
-- Name: invoice_history invoice_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_history
    ADD CONSTRAINT invoice_history_pkey PRIMARY KEY (record_id);


--
-- Name: invoice_item_history invoice_item_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_item_history
    ADD CONSTRAINT invoice_item_history_pkey PRIMARY KEY (record_id);


--
-- Name: invoice_items invoice_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_items
    ADD CONSTRAINT invoice_items_pkey PRIMARY KEY (record_id);


--
-- Name: invoice_parent_children invoice_parent_children_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_parent_children
    ADD CONSTRAINT invoice_parent_children_pkey PRIMARY KEY (record_id);


--
-- Name: invoice_payment_control_plugin_auto_pay_off invoice_payment_control_plugin_auto_pay_off_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_payment_control_plugin_auto_pay_off
    ADD CONSTRAINT invoice_payment_control_plugin_auto_pay_off_pkey PRIMARY KEY (record_id);


--
-- Name: invoice_payment_history invoice_payment_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_payment_history
    ADD CONSTRAINT invoice_payment_history_pkey PRIMARY KEY (record_id);


--
-- Name: invoice_payments invoice_payments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_payments
    ADD CONSTRAINT invoice_payments_pkey PRIMARY KEY (record_id);


--
-- Name: invoice_tracking_id_history invoice_tracking_id_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_tracking_id_history
    ADD CONSTRAINT invoice_tracking_id_history_pkey PRIMARY KEY (record_id);


--
-- Name: invoice_tracking_ids invoice_tracking_ids_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_tracking_ids
    ADD CONSTRAINT invoice_tracking_ids_pkey PRIMARY KEY (record_id);


--
-- Name: invoices invoices_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_pkey PRIMARY KEY (record_id);


--
-- Name: node_infos node_infos_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.node_infos
    ADD CONSTRAINT node_infos_pkey PRIMARY KEY (record_id);


--
-- Name: notifications_history notifications_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications_history
    ADD CONSTRAINT notifications_history_pkey PRIMARY KEY (record_id);


--
-- Name: notifications notifications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (record_id);


--
-- Name: payment_attempt_history payment_attempt_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_attempt_history
    ADD CONSTRAINT payment_attempt_history_pkey PRIMARY KEY (record_id);


--
-- Name: payment_attempts payment_attempts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_attempts
    ADD CONSTRAINT payment_attempts_pkey PRIMARY KEY (record_id);


--
-- Name: payment_history payment_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_history
    ADD CONSTRAINT payment_history_pkey PRIMARY KEY (record_id);


--
-- Name: payment_method_history payment_method_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_method_history
    ADD CONSTRAINT payment_method_history_pkey PRIMARY KEY (record_id);


--
-- Name: payment_methods payment_methods_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_methods
    ADD CONSTRAINT payment_methods_pkey PRIMARY KEY (record_id);


--
-- Name: payment_transaction_history payment_transaction_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_transaction_history
    ADD CONSTRAINT payment_transaction_history_pkey PRIMARY KEY (record_id);


--
-- Name: payment_transactions payment_transactions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_transactions
    ADD CONSTRAINT payment_transactions_pkey PRIMARY KEY (record_id);


--
-- Name: payments payments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_pkey PRIMARY KEY (record_id);


--
-- Name: roles_permissions roles_permissions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.roles_permissions
    ADD CONSTRAINT roles_permissions_pkey PRIMARY KEY (record_id);


--
-- Name: rolled_up_usage rolled_up_usage_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rolled_up_usage
    ADD CONSTRAINT rolled_up_usage_pkey PRIMARY KEY (record_id);


--
-- Name: service_broadcasts service_broadcasts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.service_broadcasts
    ADD CONSTRAINT service_broadcasts_pkey PRIMARY KEY (record_id);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (record_id);


--
-- Name: subscription_event_history subscription_event_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription_event_history
    ADD CONSTRAINT subscription_event_history_pkey PRIMARY KEY (record_id);


--
-- Name: subscription_events subscription_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription_events
    ADD CONSTRAINT subscription_events_pkey PRIMARY KEY (record_id);


--
-- Name: subscription_history subscription_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription_history
    ADD CONSTRAINT subscription_history_pkey PRIMARY KEY (record_id);


--
-- Name: subscriptions subscriptions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscriptions
    ADD CONSTRAINT subscriptions_pkey PRIMARY KEY (record_id);


--
-- Name: tag_definition_history tag_definition_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tag_definition_history
    ADD CONSTRAINT tag_definition_history_pkey PRIMARY KEY (record_id);


--
-- Name: tag_definitions tag_definitions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tag_definitions
    ADD CONSTRAINT tag_definitions_pkey PRIMARY KEY (record_id);


--
-- Name: tag_history tag_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tag_history
    ADD CONSTRAINT tag_history_pkey PRIMARY KEY (record_id);


--
-- Name: tags tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_pkey PRIMARY KEY (record_id);


--
-- Name: tenant_broadcasts tenant_broadcasts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenant_broadcasts
    ADD CONSTRAINT tenant_broadcasts_pkey PRIMARY KEY (record_id);


--
-- Name: tenant_kvs tenant_kvs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenant_kvs
    ADD CONSTRAINT tenant_kvs_pkey PRIMARY KEY (record_id);


--
-- Name: tenants tenants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (record_id);


--
-- Name: user_roles user_roles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.user_roles
    ADD CONSTRAINT user_roles_pkey PRIMARY KEY (record_id);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (record_id);


--
-- Name: account_email_account_id_email; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX account_email_account_id_email ON public.account_emails USING btree (account_id, email);


--
-- Name: account_email_history_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX account_email_history_tenant_account_record_id ON public.account_email_history USING btree (tenant_record_id, account_record_id);


--
-- Name: account_email_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX account_email_id ON public.account_emails USING btree (id);


--
-- Name: account_email_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX account_email_target_record_id ON public.account_email_history USING btree (target_record_id);


--
-- Name: account_emails_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX account_emails_tenant_account_record_id ON public.account_emails USING btree (tenant_record_id, account_record_id);


--
-- Name: account_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX account_history_target_record_id ON public.account_history USING btree (target_record_id);


--
-- Name: account_history_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX account_history_tenant_record_id ON public.account_history USING btree (tenant_record_id);


--
-- Name: accounts_company_name_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_company_name_tenant_record_id ON public.accounts USING btree (company_name, tenant_record_id);


--
-- Name: accounts_email_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_email_tenant_record_id ON public.accounts USING btree (email, tenant_record_id);


--
-- Name: accounts_external_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX accounts_external_key ON public.accounts USING btree (external_key, tenant_record_id);


--
-- Name: accounts_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX accounts_id ON public.accounts USING btree (id);


--
-- Name: accounts_name_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_name_tenant_record_id ON public.accounts USING btree (name, tenant_record_id);


--
-- Name: accounts_parents; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_parents ON public.accounts USING btree (parent_account_id);


--
-- Name: accounts_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_tenant_record_id ON public.accounts USING btree (tenant_record_id);


--
-- Name: audit_log_fetch_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_fetch_target_record_id ON public.audit_log USING btree (table_name, target_record_id);


--
-- Name: audit_log_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_tenant_account_record_id ON public.audit_log USING btree (tenant_record_id, account_record_id);


--
-- Name: audit_log_user_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_user_name ON public.audit_log USING btree (created_by);


--
-- Name: audit_log_via_history; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_via_history ON public.audit_log USING btree (target_record_id, table_name, tenant_record_id);


--
-- Name: blocking_state_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX blocking_state_history_target_record_id ON public.blocking_state_history USING btree (target_record_id);


--
-- Name: blocking_state_history_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX blocking_state_history_tenant_record_id ON public.blocking_state_history USING btree (tenant_record_id);


--
-- Name: blocking_states_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX blocking_states_id ON public.blocking_states USING btree (blockable_id);


--
-- Name: blocking_states_id_real; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX blocking_states_id_real ON public.blocking_states USING btree (id);


--
-- Name: blocking_states_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX blocking_states_tenant_account_record_id ON public.blocking_states USING btree (tenant_record_id, account_record_id);


--
-- Name: bundle_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bundle_history_target_record_id ON public.bundle_history USING btree (target_record_id);


--
-- Name: bundle_history_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bundle_history_tenant_record_id ON public.bundle_history USING btree (tenant_record_id);


--
-- Name: bundles_account; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bundles_account ON public.bundles USING btree (account_id);


--
-- Name: bundles_external_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX bundles_external_key ON public.bundles USING btree (external_key, tenant_record_id);


--
-- Name: bundles_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX bundles_id ON public.bundles USING btree (id);


--
-- Name: bundles_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bundles_tenant_account_record_id ON public.bundles USING btree (tenant_record_id, account_record_id);


--
-- Name: bus_events_history_created_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bus_events_history_created_date ON public.bus_events_history USING btree (created_date);


--
-- Name: bus_events_history_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bus_events_history_tenant_account_record_id ON public.bus_events_history USING btree (search_key2, search_key1);


--
-- Name: bus_events_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bus_events_tenant_account_record_id ON public.bus_events USING btree (search_key2, search_key1);


--
-- Name: bus_ext_events_history_created_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bus_ext_events_history_created_date ON public.bus_ext_events_history USING btree (created_date);


--
-- Name: bus_ext_events_history_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bus_ext_events_history_tenant_account_record_id ON public.bus_ext_events_history USING btree (search_key2, search_key1);


--
-- Name: bus_ext_events_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bus_ext_events_tenant_account_record_id ON public.bus_ext_events USING btree (search_key2, search_key1);


--
-- Name: catalog_override_block_definition_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_override_block_definition_idx ON public.catalog_override_block_definition USING btree (tenant_record_id, parent_unit_name, currency);


--
-- Name: catalog_override_phase_definition_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_override_phase_definition_idx ON public.catalog_override_phase_definition USING btree (tenant_record_id, parent_phase_name, currency);


--
-- Name: catalog_override_phase_usage_idx1; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_override_phase_usage_idx1 ON public.catalog_override_phase_usage USING btree (usage_def_record_id);


--
-- Name: catalog_override_phase_usage_idx2; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_override_phase_usage_idx2 ON public.catalog_override_phase_usage USING btree (tenant_record_id, target_phase_def_record_id);


--
-- Name: catalog_override_plan_definition_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_override_plan_definition_tenant_record_id ON public.catalog_override_plan_definition USING btree (tenant_record_id);


--
-- Name: catalog_override_plan_phase_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_override_plan_phase_idx ON public.catalog_override_plan_phase USING btree (tenant_record_id, phase_number, phase_def_record_id);


--
-- Name: catalog_override_tier_block_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_override_tier_block_idx ON public.catalog_override_tier_block USING btree (tenant_record_id, block_number, block_def_record_id);


--
-- Name: catalog_override_tier_definition_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_override_tier_definition_idx ON public.catalog_override_tier_definition USING btree (tenant_record_id, currency);


--
-- Name: catalog_override_usage_definition_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_override_usage_definition_idx ON public.catalog_override_usage_definition USING btree (tenant_record_id, parent_usage_name, currency);


--
-- Name: catalog_override_usage_tier_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_override_usage_tier_idx ON public.catalog_override_usage_tier USING btree (tenant_record_id, tier_number, tier_def_record_id);


--
-- Name: custom_field_history_object_id_object_type; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX custom_field_history_object_id_object_type ON public.custom_field_history USING btree (object_id, object_type);


--
-- Name: custom_field_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX custom_field_history_target_record_id ON public.custom_field_history USING btree (target_record_id);


--
-- Name: custom_field_history_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX custom_field_history_tenant_account_record_id ON public.custom_field_history USING btree (tenant_record_id, account_record_id);


--
-- Name: custom_fields_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX custom_fields_id ON public.custom_fields USING btree (id);


--
-- Name: custom_fields_name_value; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX custom_fields_name_value ON public.custom_fields USING btree (field_name, field_value);


--
-- Name: custom_fields_object_id_object_type; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX custom_fields_object_id_object_type ON public.custom_fields USING btree (object_id, object_type);


--
-- Name: custom_fields_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX custom_fields_tenant_account_record_id ON public.custom_fields USING btree (tenant_record_id, account_record_id);


--
-- Name: idx_account_history_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_account_history_tenant_record ON public.account_history USING btree (tenant_record_id, record_id);


--
-- Name: idx_accounts_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_accounts_tenant_record ON public.accounts USING btree (tenant_record_id, record_id);


--
-- Name: idx_bundle_history_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_bundle_history_tenant_record ON public.bundle_history USING btree (tenant_record_id, record_id);


--
-- Name: idx_bundles_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_bundles_tenant_record ON public.bundles USING btree (tenant_record_id, record_id);


--
-- Name: idx_bus_ext_where; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_bus_ext_where ON public.bus_ext_events USING btree (processing_state, processing_owner, processing_available_date);


--
-- Name: idx_bus_where; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_bus_where ON public.bus_events USING btree (processing_state, processing_owner, processing_available_date);


--
-- Name: idx_comp_where; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_comp_where ON public.notifications USING btree (effective_date, processing_state, processing_owner, processing_available_date);


--
-- Name: idx_custom_field_history_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_custom_field_history_tenant_record ON public.custom_field_history USING btree (tenant_record_id, record_id);


--
-- Name: idx_custom_fields_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_custom_fields_tenant_record ON public.custom_fields USING btree (tenant_record_id, record_id);


--
-- Name: idx_ent_1; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_ent_1 ON public.subscription_events USING btree (subscription_id, is_active, effective_date);


--
-- Name: idx_ent_2; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_ent_2 ON public.subscription_events USING btree (subscription_id, effective_date, created_date, id);


--
-- Name: idx_get_ready; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_get_ready ON public.notifications USING btree (effective_date, created_date);


--
-- Name: idx_invoice_history_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_invoice_history_tenant_record ON public.invoice_history USING btree (tenant_record_id, record_id);


--
-- Name: idx_invoices_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_invoices_tenant_record ON public.invoices USING btree (tenant_record_id, record_id);


--
-- Name: idx_payment_history_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payment_history_tenant_record ON public.payment_history USING btree (tenant_record_id, record_id);


--
-- Name: idx_payment_method_history_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payment_method_history_tenant_record ON public.payment_method_history USING btree (tenant_record_id, record_id);


--
-- Name: idx_payment_methods_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payment_methods_tenant_record ON public.payment_methods USING btree (tenant_record_id, record_id);


--
-- Name: idx_payments_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payments_tenant_record ON public.payments USING btree (tenant_record_id, record_id);


--
-- Name: idx_tag_definition_history_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_tag_definition_history_tenant_record ON public.tag_definition_history USING btree (tenant_record_id, record_id);


--
-- Name: idx_tag_definitions_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_tag_definitions_tenant_record ON public.tag_definitions USING btree (tenant_record_id, record_id);


--
-- Name: idx_tag_history_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_tag_history_tenant_record ON public.tag_history USING btree (tenant_record_id, record_id);


--
-- Name: idx_tags_tenant_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_tags_tenant_record ON public.tags USING btree (tenant_record_id, record_id);


--
-- Name: idx_update; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_update ON public.notifications USING btree (processing_state, processing_owner, processing_available_date);


--
-- Name: invoice_account_record_id_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_account_record_id_record_id ON public.invoices USING btree (account_record_id, record_id);


--
-- Name: invoice_billing_events_invoice_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX invoice_billing_events_invoice_id ON public.invoice_billing_events USING btree (invoice_id);


--
-- Name: invoice_billing_events_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_billing_events_tenant_account_record_id ON public.invoice_billing_events USING btree (tenant_record_id, account_record_id);


--
-- Name: invoice_currency; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_currency ON public.invoices USING btree (currency);


--
-- Name: invoice_grp_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_grp_id ON public.invoices USING btree (grp_id);


--
-- Name: invoice_history_account_record_id_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_history_account_record_id_record_id ON public.invoice_history USING btree (account_record_id, record_id);


--
-- Name: invoice_history_currency; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_history_currency ON public.invoice_history USING btree (currency);


--
-- Name: invoice_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_history_target_record_id ON public.invoice_history USING btree (target_record_id);


--
-- Name: invoice_history_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_history_tenant_record_id ON public.invoice_history USING btree (tenant_record_id);


--
-- Name: invoice_item_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_item_history_target_record_id ON public.invoice_item_history USING btree (target_record_id);


--
-- Name: invoice_item_history_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_item_history_tenant_record_id ON public.invoice_item_history USING btree (tenant_record_id);


--
-- Name: invoice_items_account_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_items_account_id ON public.invoice_items USING btree (account_id);


--
-- Name: invoice_items_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX invoice_items_id ON public.invoice_items USING btree (id);


--
-- Name: invoice_items_invoice_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_items_invoice_id ON public.invoice_items USING btree (invoice_id);


--
-- Name: invoice_items_linked_item_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_items_linked_item_id ON public.invoice_items USING btree (linked_item_id);


--
-- Name: invoice_items_subscription_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_items_subscription_id ON public.invoice_items USING btree (subscription_id);


--
-- Name: invoice_items_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_items_tenant_account_record_id ON public.invoice_items USING btree (tenant_record_id, account_record_id);


--
-- Name: invoice_parent_children_child_invoice_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_parent_children_child_invoice_id ON public.invoice_parent_children USING btree (child_invoice_id);


--
-- Name: invoice_parent_children_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX invoice_parent_children_id ON public.invoice_parent_children USING btree (id);


--
-- Name: invoice_parent_children_invoice_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_parent_children_invoice_id ON public.invoice_parent_children USING btree (parent_invoice_id);


--
-- Name: invoice_parent_children_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_parent_children_tenant_account_record_id ON public.invoice_parent_children USING btree (tenant_record_id, account_record_id);


--
-- Name: invoice_payment_control_plugin_auto_pay_off_account; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_payment_control_plugin_auto_pay_off_account ON public.invoice_payment_control_plugin_auto_pay_off USING btree (account_id);


--
-- Name: invoice_payment_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_payment_history_target_record_id ON public.invoice_payment_history USING btree (target_record_id);


--
-- Name: invoice_payment_history_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_payment_history_tenant_record_id ON public.invoice_payment_history USING btree (tenant_record_id);


--
-- Name: invoice_payments_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX invoice_payments_id ON public.invoice_payments USING btree (id);


--
-- Name: invoice_payments_invoice_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_payments_invoice_id ON public.invoice_payments USING btree (invoice_id);


--
-- Name: invoice_payments_payment_cookie_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_payments_payment_cookie_id ON public.invoice_payments USING btree (payment_cookie_id);


--
-- Name: invoice_payments_payment_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_payments_payment_id ON public.invoice_payments USING btree (payment_id);


--
-- Name: invoice_payments_reversals; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_payments_reversals ON public.invoice_payments USING btree (linked_invoice_payment_id);


--
-- Name: invoice_payments_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_payments_tenant_account_record_id ON public.invoice_payments USING btree (tenant_record_id, account_record_id);


--
-- Name: invoice_tracking_id_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_tracking_id_history_target_record_id ON public.invoice_tracking_id_history USING btree (target_record_id);


--
-- Name: invoice_tracking_id_history_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_tracking_id_history_tenant_record_id ON public.invoice_tracking_id_history USING btree (tenant_record_id);


--
-- Name: invoice_tracking_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_tracking_id_idx ON public.invoice_tracking_ids USING btree (id);


--
-- Name: invoice_tracking_invoice_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_tracking_invoice_id_idx ON public.invoice_tracking_ids USING btree (invoice_id);


--
-- Name: invoice_tracking_tenant_account_date_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_tracking_tenant_account_date_idx ON public.invoice_tracking_ids USING btree (tenant_record_id, account_record_id, record_date);


--
-- Name: invoices_account; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoices_account ON public.invoices USING btree (account_id);


--
-- Name: invoices_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX invoices_id ON public.invoices USING btree (id);


--
-- Name: invoices_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoices_tenant_account_record_id ON public.invoices USING btree (tenant_record_id, account_record_id);


--
-- Name: node_name_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX node_name_idx ON public.node_infos USING btree (node_name);


--
-- Name: notifications_history_effective_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_history_effective_date ON public.notifications_history USING btree (effective_date);


--
-- Name: notifications_history_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_history_tenant_account_record_id ON public.notifications_history USING btree (search_key2, search_key1);


--
-- Name: notifications_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_tenant_account_record_id ON public.notifications USING btree (search_key2, search_key1);


--
-- Name: payment_attempt_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_attempt_history_target_record_id ON public.payment_attempt_history USING btree (target_record_id);


--
-- Name: payment_attempt_history_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_attempt_history_tenant_account_record_id ON public.payment_attempt_history USING btree (tenant_record_id, account_record_id);


--
-- Name: payment_attempts_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX payment_attempts_id ON public.payment_attempts USING btree (id);


--
-- Name: payment_attempts_payment; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_attempts_payment ON public.payment_attempts USING btree (transaction_id);


--
-- Name: payment_attempts_payment_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_attempts_payment_key ON public.payment_attempts USING btree (payment_external_key);


--
-- Name: payment_attempts_payment_state; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_attempts_payment_state ON public.payment_attempts USING btree (state_name);


--
-- Name: payment_attempts_payment_transaction_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_attempts_payment_transaction_key ON public.payment_attempts USING btree (transaction_external_key);


--
-- Name: payment_attempts_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_attempts_tenant_account_record_id ON public.payment_attempts USING btree (tenant_record_id, account_record_id);


--
-- Name: payment_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_history_target_record_id ON public.payment_history USING btree (target_record_id);


--
-- Name: payment_history_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_history_tenant_account_record_id ON public.payment_history USING btree (tenant_record_id, account_record_id);


--
-- Name: payment_method_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_method_history_target_record_id ON public.payment_method_history USING btree (target_record_id);


--
-- Name: payment_method_history_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_method_history_tenant_account_record_id ON public.payment_method_history USING btree (tenant_record_id, account_record_id);


--
-- Name: payment_methods_external_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX payment_methods_external_key ON public.payment_methods USING btree (external_key, tenant_record_id);


--
-- Name: payment_methods_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX payment_methods_id ON public.payment_methods USING btree (id);


--
-- Name: payment_methods_plugin_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_methods_plugin_name ON public.payment_methods USING btree (plugin_name);


--
-- Name: payment_methods_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_methods_tenant_account_record_id ON public.payment_methods USING btree (tenant_record_id, account_record_id);


--
-- Name: payments_accnt; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_accnt ON public.payments USING btree (account_id);


--
-- Name: payments_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX payments_id ON public.payments USING btree (id);


--
-- Name: payments_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX payments_key ON public.payments USING btree (external_key, tenant_record_id);


--
-- Name: payments_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_tenant_account_record_id ON public.payments USING btree (tenant_record_id, account_record_id);


--
-- Name: payments_tenant_record_id_state_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_tenant_record_id_state_name ON public.payments USING btree (tenant_record_id, state_name);


--
-- Name: roles_permissions_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX roles_permissions_idx ON public.roles_permissions USING btree (role_name, permission);


--
-- Name: rolled_up_usage_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX rolled_up_usage_account_record_id ON public.rolled_up_usage USING btree (account_record_id);


--
-- Name: rolled_up_usage_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX rolled_up_usage_id ON public.rolled_up_usage USING btree (id);


--
-- Name: rolled_up_usage_subscription_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX rolled_up_usage_subscription_id ON public.rolled_up_usage USING btree (subscription_id);


--
-- Name: rolled_up_usage_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX rolled_up_usage_tenant_account_record_id ON public.rolled_up_usage USING btree (tenant_record_id, account_record_id);


--
-- Name: rolled_up_usage_tracking_id_subscription_id_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX rolled_up_usage_tracking_id_subscription_id_tenant_record_id ON public.rolled_up_usage USING btree (tracking_id, subscription_id, tenant_record_id);


--
-- Name: sessions_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX sessions_id ON public.sessions USING btree (id);


--
-- Name: subscription_event_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX subscription_event_history_target_record_id ON public.subscription_event_history USING btree (target_record_id);


--
-- Name: subscription_event_history_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX subscription_event_history_tenant_record_id ON public.subscription_event_history USING btree (tenant_record_id);


--
-- Name: subscription_events_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX subscription_events_id ON public.subscription_events USING btree (id);


--
-- Name: subscription_events_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX subscription_events_tenant_account_record_id ON public.subscription_events USING btree (tenant_record_id, account_record_id);


--
-- Name: subscription_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX subscription_history_target_record_id ON public.subscription_history USING btree (target_record_id);


--
-- Name: subscription_history_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX subscription_history_tenant_record_id ON public.subscription_history USING btree (tenant_record_id);


--
-- Name: subscriptions_bundle_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX subscriptions_bundle_id ON public.subscriptions USING btree (bundle_id);


--
-- Name: subscriptions_external_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX subscriptions_external_key ON public.subscriptions USING btree (external_key, tenant_record_id);


--
-- Name: subscriptions_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX subscriptions_id ON public.subscriptions USING btree (id);


--
-- Name: subscriptions_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX subscriptions_tenant_account_record_id ON public.subscriptions USING btree (tenant_record_id, account_record_id);


--
-- Name: tag_definition_history_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tag_definition_history_id ON public.tag_definition_history USING btree (id);


--
-- Name: tag_definition_history_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tag_definition_history_name ON public.tag_definition_history USING btree (name);


--
-- Name: tag_definition_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tag_definition_history_target_record_id ON public.tag_definition_history USING btree (target_record_id);


--
-- Name: tag_definition_history_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tag_definition_history_tenant_record_id ON public.tag_definition_history USING btree (tenant_record_id);


--
-- Name: tag_definitions_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX tag_definitions_id ON public.tag_definitions USING btree (id);


--
-- Name: tag_definitions_tenant_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tag_definitions_tenant_record_id ON public.tag_definitions USING btree (tenant_record_id);


--
-- Name: tag_history_by_object; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tag_history_by_object ON public.tag_history USING btree (object_id);


--
-- Name: tag_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tag_history_target_record_id ON public.tag_history USING btree (target_record_id);


--
-- Name: tag_history_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tag_history_tenant_account_record_id ON public.tag_history USING btree (tenant_record_id, account_record_id);


--
-- Name: tags_by_object; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tags_by_object ON public.tags USING btree (object_id);


--
-- Name: tags_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX tags_id ON public.tags USING btree (id);


--
-- Name: tags_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tags_tenant_account_record_id ON public.tags USING btree (tenant_record_id, account_record_id);


--
-- Name: tenant_broadcasts_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tenant_broadcasts_key ON public.tenant_broadcasts USING btree (tenant_record_id);


--
-- Name: tenant_kvs_trid_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tenant_kvs_trid_key ON public.tenant_kvs USING btree (tenant_record_id, tenant_key);


--
-- Name: tenants_api_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX tenants_api_key ON public.tenants USING btree (api_key);


--
-- Name: tenants_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX tenants_id ON public.tenants USING btree (id);


--
-- Name: transaction_history_target_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX transaction_history_target_record_id ON public.payment_transaction_history USING btree (target_record_id);


--
-- Name: transaction_history_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX transaction_history_tenant_account_record_id ON public.payment_transaction_history USING btree (tenant_record_id, account_record_id);


--
-- Name: transactions_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX transactions_id ON public.payment_transactions USING btree (id);


--
-- Name: transactions_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX transactions_key ON public.payment_transactions USING btree (transaction_external_key);


--
-- Name: transactions_payment_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX transactions_payment_id ON public.payment_transactions USING btree (payment_id);


--
-- Name: transactions_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX transactions_status ON public.payment_transactions USING btree (transaction_status);


--
-- Name: transactions_tenant_account_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX transactions_tenant_account_record_id ON public.payment_transactions USING btree (tenant_record_id, account_record_id);


--
-- Name: user_roles_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX user_roles_idx ON public.user_roles USING btree (username, role_name);


--
-- Name: users_username; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX users_username ON public.users USING btree (username);


--
-- Name: update_serial_to_bigint_oncreate; Type: EVENT TRIGGER; Schema: -; Owner: -
--

CREATE EVENT TRIGGER update_serial_to_bigint_oncreate ON ddl_command_end
         WHEN TAG IN ('CREATE TABLE')
   EXECUTE FUNCTION public.update_serial_to_bigint_oncreate();


--
-- PostgreSQL database dump complete
--


