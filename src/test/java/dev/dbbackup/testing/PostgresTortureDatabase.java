package dev.dbbackup.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A database that uses every kind of object the dump list names, with awkward names and data,
 * built only with features the given server version has.
 */
public final class PostgresTortureDatabase {

    /** A role the objects grant to; roles belong to the cluster, so it is created once per server. */
    public static final String READER_ROLE = "torture_reader";

    private PostgresTortureDatabase() {
    }

    /** Creates a fresh database on the server with the torture schema and data; returns its name. */
    public static String create(PostgresServer server) {
        ensureRole(server);
        String db = server.createDatabase("torture");
        server.execute(db, statements(server.major()).toArray(String[]::new));
        return db;
    }

    /** A tablespace some relations are stored in; like roles, tablespaces belong to the cluster. */
    public static final String TABLESPACE = "torture_space";

    /** Creates the reader role and the tablespace on the server if they are missing. */
    public static void ensureRole(PostgresServer server) {
        server.ensureTablespace(TABLESPACE);
        server.execute("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + READER_ROLE
                + "') THEN CREATE ROLE " + READER_ROLE + "; END IF; END $$");
    }

    /** The statements for a server of this major version (features newer than 12 only where supported). */
    public static List<String> statements(int major) {
        List<String> s = new ArrayList<>(List.of(
                "CREATE SCHEMA shop",
                "CREATE SCHEMA \"Mixed Case\"",
                "COMMENT ON SCHEMA shop IS 'the shop'",
                "COMMENT ON SCHEMA public IS 'changed public comment'",
                "CREATE EXTENSION hstore WITH SCHEMA shop",
                "CREATE EXTENSION citext",
                "CREATE COLLATION shop.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                "CREATE TYPE shop.mood AS ENUM ('sad', 'ok', 'happy', 'it''s', '')",
                "CREATE TYPE shop.address AS (street text, city text COLLATE \"C\", zip varchar(10))",
                "COMMENT ON COLUMN shop.address.zip IS 'postal code'",
                "CREATE DOMAIN shop.posint AS integer DEFAULT 1 NOT NULL CHECK (VALUE > 0)",
                "CREATE DOMAIN shop.email AS shop.citext CONSTRAINT email_check CHECK (VALUE ~ '@')"
                        .replace("shop.citext", "public.citext"),
                "CREATE TYPE shop.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi)",
                "CREATE FUNCTION shop.add_one(i integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT i + 1 $$",
                "CREATE FUNCTION shop.touch() RETURNS trigger LANGUAGE plpgsql AS $body$\nBEGIN\n  NEW.updated_at := now();\n"
                        + "  RETURN NEW; -- a ; in a comment\nEND\n$body$",
                "CREATE FUNCTION shop.check_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
                "CREATE PROCEDURE shop.noop(a integer) LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; END $$",
                "CREATE FUNCTION shop.sum_state(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT coalesce(a, 0) + coalesce(b, 0)'",
                "CREATE AGGREGATE shop.my_sum(integer) (SFUNC = shop.sum_state, STYPE = integer, INITCOND = '0')",
                "CREATE FUNCTION shop.same_length(a text, b text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT length(a) = length(b)'",
                "CREATE OPERATOR shop.=~= (FUNCTION = shop.same_length, LEFTARG = text, RIGHTARG = text, COMMUTATOR = OPERATOR(shop.=~=))",
                "CREATE FUNCTION shop.mood_rank(m shop.mood) RETURNS integer LANGUAGE sql IMMUTABLE "
                        + "AS 'SELECT array_position(enum_range(NULL::shop.mood), m)'",
                "CREATE CAST (shop.mood AS integer) WITH FUNCTION shop.mood_rank(shop.mood) AS ASSIGNMENT",
                "CREATE FUNCTION shop.quote_me(t text) RETURNS text LANGUAGE sql IMMUTABLE SECURITY DEFINER SET search_path = pg_catalog "
                        + "AS $q$ SELECT E'it\\'s ' || $x$a$b$x$ || t $q$",
                "CREATE SEQUENCE shop.order_no AS integer START 1000 INCREMENT 5 CACHE 1",
                "CREATE TABLE shop.customer (\n"
                        + "  id bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 10) PRIMARY KEY,\n"
                        + "  name text COLLATE \"C\" NOT NULL,\n"
                        + "  nick text COLLATE shop.ci,\n"
                        + "  email shop.email UNIQUE,\n"
                        + "  mood shop.mood DEFAULT 'ok',\n"
                        + "  address shop.address,\n"
                        + "  tags text[] DEFAULT '{}',\n"
                        + "  attrs shop.hstore,\n"
                        + "  balance numeric(12,2) DEFAULT 0 CHECK (balance >= 0),\n"
                        + "  created_at timestamptz NOT NULL DEFAULT now(),\n"
                        + "  dropped_later integer,\n"
                        + "  name_upper text GENERATED ALWAYS AS (upper(name)) STORED,\n"
                        + "  updated_at timestamptz,\n"
                        + "  score integer DEFAULT shop.add_one(41))",
                "ALTER TABLE shop.customer DROP COLUMN dropped_later",
                "ALTER TABLE shop.customer ALTER COLUMN name SET STATISTICS 500",
                "ALTER TABLE shop.customer ALTER COLUMN tags SET STORAGE MAIN",
                "ALTER TABLE shop.customer ALTER COLUMN balance SET (n_distinct = 100)",
                "CREATE TABLE shop.orders (order_no integer DEFAULT nextval('shop.order_no') PRIMARY KEY,\n"
                        + "  customer_id bigint REFERENCES shop.customer (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
                        + "  total shop.posint, placed daterange, note text, span shop.floatrange,\n"
                        + "  CONSTRAINT total_small CHECK (total < 1000000) NOT VALID)",
                "ALTER SEQUENCE shop.order_no OWNED BY shop.orders.order_no",
                "CREATE TABLE shop.kinds (id serial PRIMARY KEY, payload bytea, f real, d double precision, j jsonb, js json,\n"
                        + "  x xml, i interval, ip inet, net cidr, mac macaddr, pt point, bx box, bits bit varying(8), u uuid, m money,\n"
                        + "  ts tsvector, tq tsquery, arr integer[][], nums numeric[], t time, ttz timetz, dt date, b boolean, ch char(3))",
                "CREATE TABLE shop.events (id bigint NOT NULL, at date NOT NULL, kind text, payload jsonb) PARTITION BY RANGE (at)",
                "CREATE TABLE shop.events_2024 PARTITION OF shop.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (kind)",
                "CREATE TABLE shop.events_2024_a PARTITION OF shop.events_2024 FOR VALUES IN ('a')",
                "CREATE TABLE shop.events_2024_other PARTITION OF shop.events_2024 DEFAULT",
                "CREATE TABLE shop.events_2025 (kind text, payload jsonb, id bigint NOT NULL, at date NOT NULL)",
                "ALTER TABLE shop.events ATTACH PARTITION shop.events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "ALTER TABLE shop.events ADD PRIMARY KEY (id, at, kind)",
                "CREATE INDEX events_kind ON shop.events (kind)",
                "CREATE TABLE shop.hashed (id integer, v text) PARTITION BY HASH (id)",
                "CREATE TABLE shop.hashed_0 PARTITION OF shop.hashed FOR VALUES WITH (MODULUS 2, REMAINDER 0)",
                "CREATE TABLE shop.hashed_1 PARTITION OF shop.hashed FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
                "CREATE TABLE shop.vehicle (id integer PRIMARY KEY, wheels integer DEFAULT 4 CHECK (wheels >= 0), name text)",
                "CREATE TABLE shop.bike (pedals boolean DEFAULT true) INHERITS (shop.vehicle)",
                "ALTER TABLE shop.bike ALTER COLUMN wheels SET DEFAULT 2",
                "CREATE UNLOGGED TABLE shop.cache (k text PRIMARY KEY, v text) WITH (fillfactor = 70, autovacuum_enabled = false)",
                "ALTER TABLE shop.cache REPLICA IDENTITY FULL",
                "CREATE TABLE shop.audit_log (at timestamptz DEFAULT now(), msg text)",
                "CREATE TABLE \"Mixed Case\".\"Table With Spaces\" (\"Column \"\"quoted\"\"\" integer, \"select\" text, \"ÜberCol\" text, \"UPPER\" int)",
                "CREATE TABLE \"Mixed Case\".\"select\" (\"from\" integer PRIMARY KEY)",
                "CREATE TABLE shop.empty_table (a integer)",
                "CREATE TABLE shop.no_columns ()",
                "CREATE TABLE shop.typed OF shop.address (zip WITH OPTIONS DEFAULT '00000')",
                "CREATE UNIQUE INDEX customer_lower_name ON shop.customer (lower(name)) WHERE balance > 0",
                "CREATE INDEX customer_tags ON shop.customer USING gin (tags)",
                "CREATE INDEX orders_placed ON shop.orders USING gist (placed)",
                "CREATE INDEX customer_created ON shop.customer USING brin (created_at) WITH (pages_per_range = 64)",
                "CREATE INDEX customer_nick_desc ON shop.customer (nick DESC NULLS LAST, name COLLATE \"C\" text_pattern_ops)",
                "ALTER TABLE shop.orders CLUSTER ON orders_pkey",
                "CREATE INDEX customer_expressions ON shop.customer ((lower(nick)), name, (score + 1))",
                "ALTER INDEX shop.customer_expressions ALTER COLUMN 1 SET STATISTICS 300",
                "ALTER INDEX shop.customer_expressions ALTER COLUMN 3 SET STATISTICS 0",
                "CREATE TABLE shop.stored_apart (id integer CONSTRAINT stored_apart_pk PRIMARY KEY USING INDEX TABLESPACE torture_space,"
                        + " v text) TABLESPACE torture_space",
                "CREATE INDEX stored_apart_v ON shop.stored_apart (v) TABLESPACE torture_space",
                "INSERT INTO shop.stored_apart VALUES (1, 'apart')",
                "CREATE MATERIALIZED VIEW shop.apart_mv TABLESPACE torture_space AS SELECT id FROM shop.stored_apart",
                "CREATE TABLE shop.parted_apart (k integer) PARTITION BY LIST (k) TABLESPACE torture_space",
                "GRANT EXECUTE ON FUNCTION pg_catalog.pg_ls_dir(text) TO torture_reader",
                "REVOKE EXECUTE ON FUNCTION pg_catalog.pg_sleep(double precision) FROM PUBLIC",
                "GRANT SELECT (rolname) ON pg_catalog.pg_authid TO torture_reader",
                // A child that joins a parent with a generated column keeps the parent's expression.
                "CREATE TABLE shop.gen_parent (a integer NOT NULL, b integer GENERATED ALWAYS AS (a * 2) STORED)",
                "CREATE TABLE shop.gen_joined (a integer NOT NULL, b integer GENERATED ALWAYS AS (a * 2) STORED)",
                "ALTER TABLE shop.gen_joined INHERIT shop.gen_parent",
                "INSERT INTO shop.gen_joined (a) VALUES (21)",
                "GRANT USAGE ON LANGUAGE plpgsql TO torture_reader WITH GRANT OPTION",
                "REVOKE USAGE ON LANGUAGE plpgsql FROM PUBLIC",
                "ALTER TABLE shop.orders ADD CONSTRAINT no_overlap EXCLUDE USING gist (placed WITH &&)",
                "CREATE TRIGGER customer_touch BEFORE UPDATE ON shop.customer FOR EACH ROW EXECUTE FUNCTION shop.touch()",
                "CREATE TRIGGER customer_touch_off BEFORE INSERT ON shop.customer FOR EACH ROW WHEN (NEW.name <> '') EXECUTE FUNCTION shop.touch()",
                "ALTER TABLE shop.customer DISABLE TRIGGER customer_touch_off",
                "CREATE CONSTRAINT TRIGGER orders_check AFTER INSERT ON shop.orders DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION shop.check_order()",
                "CREATE TRIGGER events_audit AFTER INSERT ON shop.events FOR EACH ROW EXECUTE FUNCTION shop.check_order()",
                "CREATE RULE log_delete AS ON DELETE TO shop.cache DO ALSO INSERT INTO shop.audit_log (msg) VALUES ('deleted ' || OLD.k)",
                "CREATE RULE two_actions AS ON UPDATE TO shop.cache DO ALSO (INSERT INTO shop.audit_log (msg) VALUES ('a'); "
                        + "INSERT INTO shop.audit_log (msg) VALUES ('b;c'))",
                "CREATE VIEW shop.customer_orders AS SELECT c.id, c.name, count(o.order_no) AS n FROM shop.customer c "
                        + "LEFT JOIN shop.orders o ON o.customer_id = c.id GROUP BY c.id",
                "CREATE VIEW shop.rich WITH (security_barrier = true) AS SELECT id, name, mood, balance FROM shop.customer "
                        + "WHERE balance > 100 WITH LOCAL CHECK OPTION",
                "ALTER VIEW shop.rich ALTER COLUMN mood SET DEFAULT 'happy'",
                "CREATE RECURSIVE VIEW shop.nums (n) AS VALUES (1) UNION ALL SELECT n + 1 FROM nums WHERE n < 5",
                "CREATE VIEW \"Mixed Case\".\"View\" AS SELECT \"select\" FROM \"Mixed Case\".\"Table With Spaces\"",
                "CREATE MATERIALIZED VIEW shop.order_totals AS SELECT customer_id, sum(total) AS total FROM shop.orders GROUP BY customer_id",
                "CREATE UNIQUE INDEX order_totals_pk ON shop.order_totals (customer_id)",
                "CREATE MATERIALIZED VIEW shop.empty_mv AS SELECT 1 AS one WITH NO DATA",
                "CREATE MATERIALIZED VIEW shop.totals_of_totals AS SELECT count(*) AS n FROM shop.order_totals",
                "CREATE MATERIALIZED VIEW shop.mv_reads_mv AS SELECT n FROM shop.totals_of_totals",
                "CREATE FUNCTION shop.top_customers() RETURNS SETOF shop.customer_orders LANGUAGE sql STABLE "
                        + "AS $$ SELECT * FROM shop.customer_orders ORDER BY n DESC $$",
                "ALTER TABLE shop.orders ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE shop.orders FORCE ROW LEVEL SECURITY",
                "CREATE POLICY own_orders ON shop.orders FOR SELECT TO torture_reader USING (customer_id > 0)",
                "CREATE POLICY strict ON shop.orders AS RESTRICTIVE FOR ALL TO PUBLIC USING (true) WITH CHECK (total IS NOT NULL)",
                "CREATE STATISTICS shop.customer_stats (dependencies, ndistinct) ON name, mood FROM shop.customer",
                "COMMENT ON TABLE shop.customer IS 'Customers, with ''quotes'' and a\nnewline'",
                "COMMENT ON COLUMN shop.customer.name IS 'name ✓'",
                "COMMENT ON FUNCTION shop.add_one(integer) IS 'adds one'",
                "COMMENT ON PROCEDURE shop.noop(integer) IS 'does nothing'",
                "COMMENT ON TYPE shop.mood IS 'mood'",
                "COMMENT ON DOMAIN shop.posint IS 'positive'",
                "COMMENT ON CONSTRAINT total_small ON shop.orders IS 'small totals'",
                "COMMENT ON CONSTRAINT email_check ON DOMAIN shop.email IS 'has an at'",
                "COMMENT ON INDEX shop.customer_tags IS 'gin'",
                "COMMENT ON TRIGGER customer_touch ON shop.customer IS 'touch'",
                "COMMENT ON VIEW shop.rich IS 'rich'",
                "COMMENT ON MATERIALIZED VIEW shop.order_totals IS 'totals'",
                "COMMENT ON SEQUENCE shop.order_no IS 'order numbers'",
                "COMMENT ON POLICY own_orders ON shop.orders IS 'own'",
                "COMMENT ON RULE log_delete ON shop.cache IS 'log'",
                "COMMENT ON AGGREGATE shop.my_sum(integer) IS 'sum'",
                "COMMENT ON OPERATOR shop.=~= (text, text) IS 'same length'",
                "COMMENT ON CAST (shop.mood AS integer) IS 'rank'",
                "COMMENT ON COLLATION shop.ci IS 'case-insensitive'",
                "COMMENT ON STATISTICS shop.customer_stats IS 'stats'",
                // Comments the application put on objects of extensions (pg_dump leaves them out).
                "COMMENT ON FUNCTION shop.akeys(shop.hstore) IS 'the keys, for the app'",
                "COMMENT ON TYPE shop.hstore IS 'key/value pairs'",
                "COMMENT ON OPERATOR public.= (public.citext, public.citext) IS 'case-insensitive equality'",
                "COMMENT ON TABLE \"Mixed Case\".\"Table With Spaces\" IS 'spaces'",
                "GRANT USAGE ON SCHEMA shop TO torture_reader",
                "GRANT SELECT ON shop.customer TO torture_reader",
                "GRANT SELECT (note), UPDATE (note) ON shop.orders TO torture_reader",
                "GRANT INSERT ON shop.cache TO torture_reader WITH GRANT OPTION",
                "REVOKE EXECUTE ON FUNCTION shop.add_one(integer) FROM PUBLIC",
                "GRANT EXECUTE ON FUNCTION shop.add_one(integer) TO torture_reader",
                "GRANT USAGE ON SEQUENCE shop.order_no TO torture_reader",
                "REVOKE DELETE ON shop.audit_log FROM postgres",
                "GRANT USAGE ON TYPE shop.mood TO torture_reader",
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA shop GRANT SELECT ON TABLES TO torture_reader",
                "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC",
                "CREATE PUBLICATION pub_all FOR ALL TABLES",
                "CREATE PUBLICATION pub_some FOR TABLE shop.customer, shop.orders WITH (publish = 'insert, update')",
                "CREATE FUNCTION shop.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$",
                "CREATE EVENT TRIGGER torture_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION shop.on_ddl()",
                "ALTER EVENT TRIGGER torture_ddl DISABLE",
                "CREATE TEXT SEARCH DICTIONARY shop.plain_dict (TEMPLATE = pg_catalog.simple, STOPWORDS = english, ACCEPT = false)",
                "CREATE TEXT SEARCH CONFIGURATION shop.shop_search (COPY = pg_catalog.english)",
                "ALTER TEXT SEARCH CONFIGURATION shop.shop_search ALTER MAPPING FOR asciiword, word WITH shop.plain_dict, english_stem",
                "COMMENT ON TEXT SEARCH CONFIGURATION shop.shop_search IS 'search'",
                "CREATE INDEX customer_search ON shop.customer USING gin (to_tsvector('shop.shop_search'::regconfig, name))",
                "CREATE TABLE shop.checked (a integer, b integer)",
                "CREATE FUNCTION shop.checked_ok(r shop.checked) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT r.a <= r.b'",
                "ALTER TABLE shop.checked ADD CONSTRAINT a_le_b CHECK (shop.checked_ok(checked))",
                "INSERT INTO shop.checked VALUES (1, 2)",
                "SELECT lo_from_bytea(0, '\\x00010203ff'::bytea)",
                "SELECT lo_from_bytea(0, decode(repeat('0123456789abcdef', 40000), 'hex'))",
                "SELECT lo_create(0)"));
        s.addAll(List.of(
                "INSERT INTO shop.customer (name, nick, email, mood, address, tags, attrs, balance, created_at) VALUES "
                        + "('alice', 'Al', 'alice@example.org', 'happy', ROW('1 Main St', 'Köln', '50667'), '{a,b}', 'a=>1, b=>NULL', 150.5, '2024-01-02 03:04:05+00'),"
                        + "('bob\ttab', NULL, 'BOB@example.org', 'it''s', NULL, '{}', NULL, 0, '2024-02-03 00:00:00+00'),"
                        + "(E'line\\nbreak \\\\ back\\\\.slash', 'x', NULL, '', ROW(NULL, NULL, NULL), '{\"with space\",NULL}', '', 999.99, '2024-03-04 05:06:07.123456+00'),"
                        + "('\\N', '\\.', 'n@n', NULL, NULL, NULL, NULL, 1, '1999-12-31 23:59:59+00'),"
                        + "('emoji 🐘 ünïcödé', '', 'e@e', 'sad', NULL, ARRAY['x'], NULL, 2, 'infinity')",
                "INSERT INTO shop.orders (customer_id, total, placed, note, span) SELECT id, (id / 10)::int, "
                        + "daterange('2024-01-01'::date + (id / 10)::int, '2024-01-01'::date + (id / 10)::int + 1), 'note ' || id, '[1.5,2.5)' FROM shop.customer",
                "INSERT INTO shop.kinds (payload, f, d, j, js, x, i, ip, net, mac, pt, bx, bits, u, m, ts, tq, arr, nums, t, ttz, dt, b, ch) VALUES "
                        + "('\\xdeadbeef00', 1.1, 0.1 + 0.2, '{\"a\": [1, 2.50, null]}', '{\"b\":  1}', '<a>x</a>', '1 year 2 mons 3 days 04:05:06.789',"
                        + " '10.0.0.1/8', '192.168.0.0/16', '08:00:2b:01:02:03', '(1.5,2)', '((0,0),(1,1))', B'101', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
                        + " 12.34, 'a fat cat', 'fat & cat', '{{1,2},{3,4}}', '{1.10,NaN,-0}', '23:59:59.999999', '12:00+05:30', '0001-01-01 BC', true, 'ab'),"
                        + "(NULL, 'NaN', '-Infinity', 'null', '[]', NULL, '-1 days', '::1', '::/0', NULL, NULL, NULL, B'', NULL, -0.01, '', NULL, '{}', NULL, NULL, NULL, 'infinity', false, NULL),"
                        + "('', 1e-38, 1.7976931348623157e308, '\"\\u00e9\"', '\"x\"', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
                "INSERT INTO shop.events (id, at, kind, payload) SELECT g, '2024-01-01'::date + (g * 7 % 700), CASE WHEN g % 3 = 0 THEN 'a' ELSE 'b' END,"
                        + " jsonb_build_object('g', g) FROM generate_series(1, 300) g",
                "INSERT INTO shop.hashed SELECT g, md5(g::text) FROM generate_series(1, 50) g",
                "INSERT INTO shop.vehicle VALUES (1, 4, 'car')",
                "INSERT INTO shop.bike (id, name) VALUES (2, 'bmx')",
                "INSERT INTO shop.cache VALUES ('k1', 'v1'), ('k2', NULL)",
                "INSERT INTO \"Mixed Case\".\"Table With Spaces\" VALUES (1, 'from', 'über', 2)",
                "INSERT INTO \"Mixed Case\".\"select\" VALUES (1), (2)",
                "INSERT INTO shop.typed (street, city) VALUES ('s', 'c')",
                "INSERT INTO shop.no_columns DEFAULT VALUES",
                "SELECT setval('shop.kinds_id_seq', 42, false)",
                "SELECT nextval('shop.order_no')",
                "REFRESH MATERIALIZED VIEW shop.order_totals",
                "REFRESH MATERIALIZED VIEW shop.totals_of_totals",
                "REFRESH MATERIALIZED VIEW shop.mv_reads_mv"));
        s.addAll(catalogKinds(major));
        if (major >= 13) {
            s.addAll(List.of(
                    "CREATE TABLE shop.trig_parted (k integer) PARTITION BY LIST (k)",
                    "CREATE TABLE shop.trig_parted_1 PARTITION OF shop.trig_parted FOR VALUES IN (1)",
                    "CREATE TABLE shop.trig_parted_2 PARTITION OF shop.trig_parted FOR VALUES IN (2)",
                    "CREATE TRIGGER parted_audit AFTER INSERT ON shop.trig_parted FOR EACH ROW EXECUTE FUNCTION shop.check_order()",
                    "ALTER TABLE shop.trig_parted_1 DISABLE TRIGGER parted_audit",
                    "ALTER TABLE shop.trig_parted_2 ENABLE ALWAYS TRIGGER parted_audit"));
        }
        if (major >= 14) {
            s.addAll(List.of(
                    "CREATE MATERIALIZED VIEW shop.compressed_mv AS SELECT 'x'::text AS t",
                    "ALTER MATERIALIZED VIEW shop.compressed_mv ALTER COLUMN t SET COMPRESSION pglz",
                    "CREATE FUNCTION shop.std_body(a integer) RETURNS integer LANGUAGE sql IMMUTABLE\n"
                            + "BEGIN ATOMIC\n  SELECT a + 1;\n  SELECT CASE WHEN a > 0 THEN a + 2 ELSE 0 END;\nEND",
                    "CREATE FUNCTION shop.customer_count() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM shop.customer; END",
                    "CREATE TABLE shop.multi (r int4multirange)",
                    "INSERT INTO shop.multi VALUES ('{[1,3), [5,7)}')",
                    "ALTER TABLE shop.cache ALTER COLUMN v SET COMPRESSION pglz",
                    "CREATE TABLE shop.coded (code integer, name text)",
                    "CREATE FUNCTION shop.next_code() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT coalesce(max(code), 0) + 1 FROM shop.coded; END",
                    "ALTER TABLE shop.coded ALTER COLUMN code SET DEFAULT shop.next_code()",
                    "INSERT INTO shop.coded (name) VALUES ('first')"));
        }
        if (major >= 15) {
            s.addAll(List.of(
                    "CREATE TABLE shop.nulls_nd (a integer, b integer, UNIQUE NULLS NOT DISTINCT (a, b))",
                    "CREATE VIEW shop.invoker WITH (security_invoker = true) AS SELECT id FROM shop.customer",
                    "CREATE PUBLICATION pub_filtered FOR TABLE shop.customer (id, name) WHERE (id > 10)",
                    "CREATE PUBLICATION pub_schema FOR TABLES IN SCHEMA \"Mixed Case\"",
                    "CREATE UNLOGGED SEQUENCE shop.unlogged_seq"));
        }
        if (major >= 17) {
            s.add("GRANT MAINTAIN ON shop.cache TO torture_reader");
        }
        // Properties of the database itself, whatever its name.
        s.add("DO $$ BEGIN\n"
                + "  EXECUTE format('COMMENT ON DATABASE %I IS %L', current_database(), 'the torture database, it''s');\n"
                + "  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO torture_reader WITH GRANT OPTION', current_database());\n"
                + "  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());\n"
                + "  EXECUTE format('ALTER DATABASE %I SET work_mem TO ''12MB''', current_database());\n"
                + "  EXECUTE format('ALTER DATABASE %I SET search_path TO \"$user\", public, shop', current_database());\n"
                + "  EXECUTE format('ALTER ROLE torture_reader IN DATABASE %I SET statement_timeout TO ''1min''', current_database());\n"
                + "END $$");
        // A subscription to a publisher that is not there: created without connecting, as a restore writes it.
        List<String> subscriptionOptions = new ArrayList<>(List.of("connect = false", "slot_name = 'torture_slot'",
                "synchronous_commit = 'local'"));
        if (major >= 14) {
            subscriptionOptions.addAll(List.of("binary = true", "streaming = on"));
        }
        if (major >= 15) {
            subscriptionOptions.addAll(List.of("two_phase = true", "disable_on_error = true"));
        }
        if (major >= 16) {
            subscriptionOptions.addAll(List.of("origin = none", "password_required = false", "run_as_owner = true"));
        }
        if (major >= 17) {
            subscriptionOptions.add("failover = true");
        }
        s.add("CREATE SUBSCRIPTION torture_sub CONNECTION 'host=127.0.0.1 port=1 dbname=nowhere user=nobody' "
                + "PUBLICATION pub_some, \"Other Pub\" WITH (" + String.join(", ", subscriptionOptions) + ")");
        s.add("COMMENT ON SUBSCRIPTION torture_sub IS 'not connected'");
        if (major >= 18) {
            s.addAll(List.of(
                    "CREATE TABLE shop.virtual_gen (a integer, b integer GENERATED ALWAYS AS (a * 2) VIRTUAL, "
                            + "c integer CONSTRAINT c_must_exist NOT NULL)",
                    "INSERT INTO shop.virtual_gen (a, c) VALUES (1, 1), (NULL, 2)"));
        }
        return s;
    }

    /** The user mapping password the torture database stores; it must reach the dump and never a log. */
    public static final String MAPPING_PASSWORD = "Torture-S3cret-pa55";

    /**
     * Kinds pg_dump writes that hook into the server: base and shell types (I/O functions in LANGUAGE internal, as the
     * regression suite does), a range with a canonical function, operator families and classes (with loose members
     * and FOR ORDER BY), access methods, a conversion, text search parsers and templates, a language, transforms,
     * foreign data wrappers (with and without file_fdw), servers, user mappings and foreign tables.
     */
    private static List<String> catalogKinds(int major) {
        List<String> s = new ArrayList<>(List.of(
                "CREATE SCHEMA ext",
                "CREATE TYPE ext.widget",
                "CREATE FUNCTION ext.widget_in(cstring) RETURNS ext.widget LANGUAGE internal IMMUTABLE STRICT AS 'int4in'",
                "CREATE FUNCTION ext.widget_out(ext.widget) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out'",
                "CREATE FUNCTION ext.widget_recv(internal) RETURNS ext.widget LANGUAGE internal IMMUTABLE STRICT AS 'int4recv'",
                "CREATE FUNCTION ext.widget_send(ext.widget) RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'int4send'",
                "CREATE TYPE ext.widget (INPUT = ext.widget_in, OUTPUT = ext.widget_out, RECEIVE = ext.widget_recv, SEND = ext.widget_send,"
                        + " INTERNALLENGTH = 4, PASSEDBYVALUE, ALIGNMENT = int4, STORAGE = plain, CATEGORY = 'N', DEFAULT = '7', DELIMITER = ';')",
                "COMMENT ON TYPE ext.widget IS 'a base type'",
                "GRANT USAGE ON TYPE ext.widget TO " + READER_ROLE,
                "CREATE TYPE ext.never_defined",
                "COMMENT ON TYPE ext.never_defined IS 'a shell type'",
                "CREATE TYPE ext.mytext",
                "CREATE FUNCTION ext.mytext_in(cstring) RETURNS ext.mytext LANGUAGE internal IMMUTABLE STRICT AS 'textin'",
                "CREATE FUNCTION ext.mytext_out(ext.mytext) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout'",
                "CREATE TYPE ext.mytext (INPUT = ext.mytext_in, OUTPUT = ext.mytext_out, LIKE = text, COLLATABLE = true, PREFERRED = true, CATEGORY = 'S')",
                "CREATE TABLE ext.gadget (w ext.widget, t ext.mytext COLLATE \"C\")",
                "INSERT INTO ext.gadget VALUES ('5', 'hello'), (NULL, 'it''s'), ('-3', NULL)",
                "CREATE FUNCTION ext.widget_lt(ext.widget, ext.widget) RETURNS boolean LANGUAGE internal IMMUTABLE STRICT AS 'int4lt'",
                "CREATE FUNCTION ext.widget_le(ext.widget, ext.widget) RETURNS boolean LANGUAGE internal IMMUTABLE STRICT AS 'int4le'",
                "CREATE FUNCTION ext.widget_eq(ext.widget, ext.widget) RETURNS boolean LANGUAGE internal IMMUTABLE STRICT AS 'int4eq'",
                "CREATE FUNCTION ext.widget_ge(ext.widget, ext.widget) RETURNS boolean LANGUAGE internal IMMUTABLE STRICT AS 'int4ge'",
                "CREATE FUNCTION ext.widget_gt(ext.widget, ext.widget) RETURNS boolean LANGUAGE internal IMMUTABLE STRICT AS 'int4gt'",
                "CREATE FUNCTION ext.widget_cmp(ext.widget, ext.widget) RETURNS integer LANGUAGE internal IMMUTABLE STRICT AS 'btint4cmp'",
                "CREATE FUNCTION ext.widget_hash(ext.widget) RETURNS integer LANGUAGE internal IMMUTABLE STRICT AS 'hashint4'",
                "CREATE CAST (ext.widget AS integer) WITHOUT FUNCTION AS IMPLICIT",
                "CREATE OPERATOR ext.< (FUNCTION = ext.widget_lt, LEFTARG = ext.widget, RIGHTARG = ext.widget, COMMUTATOR = OPERATOR(ext.>),"
                        + " NEGATOR = OPERATOR(ext.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel)",
                "CREATE OPERATOR ext.<= (FUNCTION = ext.widget_le, LEFTARG = ext.widget, RIGHTARG = ext.widget)",
                "CREATE OPERATOR ext.= (FUNCTION = ext.widget_eq, LEFTARG = ext.widget, RIGHTARG = ext.widget, COMMUTATOR = OPERATOR(ext.=), HASHES, MERGES)",
                "CREATE OPERATOR ext.>= (FUNCTION = ext.widget_ge, LEFTARG = ext.widget, RIGHTARG = ext.widget)",
                "CREATE OPERATOR ext.> (FUNCTION = ext.widget_gt, LEFTARG = ext.widget, RIGHTARG = ext.widget)",
                "CREATE OPERATOR FAMILY ext.widget_fam USING btree",
                "CREATE OPERATOR CLASS ext.widget_ops DEFAULT FOR TYPE ext.widget USING btree FAMILY ext.widget_fam AS OPERATOR 1 ext.<,"
                        + " OPERATOR 2 ext.<=, OPERATOR 3 ext.=, OPERATOR 4 ext.>=, OPERATOR 5 ext.>, FUNCTION 1 ext.widget_cmp(ext.widget, ext.widget)",
                "CREATE OPERATOR CLASS ext.widget_hash_ops DEFAULT FOR TYPE ext.widget USING hash AS OPERATOR 1 ext.=, FUNCTION 1 ext.widget_hash(ext.widget)",
                "CREATE FUNCTION ext.widget_int_cmp(ext.widget, integer) RETURNS integer LANGUAGE internal IMMUTABLE STRICT AS 'btint4cmp'",
                "CREATE FUNCTION ext.widget_int_lt(ext.widget, integer) RETURNS boolean LANGUAGE internal IMMUTABLE STRICT AS 'int4lt'",
                "CREATE OPERATOR ext.< (FUNCTION = ext.widget_int_lt, LEFTARG = ext.widget, RIGHTARG = integer)",
                "ALTER OPERATOR FAMILY ext.widget_fam USING btree ADD OPERATOR 1 ext.< (ext.widget, integer),"
                        + " FUNCTION 1 (ext.widget, integer) ext.widget_int_cmp(ext.widget, integer)",
                "COMMENT ON OPERATOR FAMILY ext.widget_fam USING btree IS 'a family'",
                "COMMENT ON OPERATOR CLASS ext.widget_ops USING btree IS 'a class'",
                "CREATE OPERATOR CLASS ext.empty_ops FOR TYPE integer USING btree AS STORAGE integer",
                "CREATE OPERATOR CLASS ext.range_gist_ops FOR TYPE int4range USING gist AS OPERATOR 3 &&(anyrange, anyrange),"
                        + " OPERATOR 15 <->(point, point) FOR ORDER BY pg_catalog.float_ops,"
                        + " FUNCTION 1 range_gist_consistent(internal, anyrange, smallint, oid, internal)",
                "CREATE INDEX gadget_w ON ext.gadget (w)",
                "CREATE TYPE ext.intr",
                "CREATE FUNCTION ext.intr_canon(ext.intr) RETURNS ext.intr LANGUAGE internal IMMUTABLE STRICT AS 'int4range_canonical'",
                "CREATE TYPE ext.intr AS RANGE (subtype = integer, canonical = ext.intr_canon, subtype_diff = int4range_subdiff)",
                "CREATE TABLE ext.spans (s ext.intr)",
                "INSERT INTO ext.spans VALUES ('[1,5]'), ('empty'), (NULL)",
                "CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler",
                "CREATE ACCESS METHOD btree2 TYPE INDEX HANDLER bthandler",
                "COMMENT ON ACCESS METHOD heap2 IS 'another heap'",
                "CREATE TABLE ext.in_heap2 (a integer) USING heap2",
                "INSERT INTO ext.in_heap2 VALUES (1), (2)",
                "CREATE DEFAULT CONVERSION ext.latin_conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8",
                "COMMENT ON CONVERSION ext.latin_conv IS 'a conversion'",
                "CREATE TEXT SEARCH PARSER ext.my_parser (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end,"
                        + " LEXTYPES = prsd_lextype, HEADLINE = prsd_headline)",
                "CREATE TEXT SEARCH TEMPLATE ext.my_template (INIT = dsimple_init, LEXIZE = dsimple_lexize)",
                "CREATE TEXT SEARCH TEMPLATE ext.lexize_only (LEXIZE = dsimple_lexize)",
                "COMMENT ON TEXT SEARCH PARSER ext.my_parser IS 'a parser'",
                "COMMENT ON TEXT SEARCH TEMPLATE ext.my_template IS 'a template'",
                "CREATE TEXT SEARCH DICTIONARY ext.my_dict (TEMPLATE = ext.my_template, STOPWORDS = english)",
                "CREATE TEXT SEARCH CONFIGURATION ext.my_config (PARSER = ext.my_parser)",
                "ALTER TEXT SEARCH CONFIGURATION ext.my_config ADD MAPPING FOR word, asciiword WITH ext.my_dict",
                "CREATE FUNCTION ext.my_handler() RETURNS language_handler LANGUAGE c AS '$libdir/plpgsql', 'plpgsql_call_handler'",
                "CREATE FUNCTION ext.my_inline(internal) RETURNS void LANGUAGE c STRICT AS '$libdir/plpgsql', 'plpgsql_inline_handler'",
                "CREATE FUNCTION ext.my_validator(oid) RETURNS void LANGUAGE c STRICT AS '$libdir/plpgsql', 'plpgsql_validator'",
                "CREATE TRUSTED LANGUAGE my_lang HANDLER ext.my_handler INLINE ext.my_inline VALIDATOR ext.my_validator",
                "COMMENT ON LANGUAGE my_lang IS 'plpgsql under another name'",
                "REVOKE USAGE ON LANGUAGE my_lang FROM PUBLIC",
                "GRANT USAGE ON LANGUAGE my_lang TO " + READER_ROLE,
                "CREATE FUNCTION ext.in_my_lang() RETURNS integer LANGUAGE my_lang AS 'BEGIN RETURN 1; END'",
                "CREATE FUNCTION ext.widget_from_sql(internal) RETURNS internal LANGUAGE internal IMMUTABLE STRICT AS 'int4send'",
                "CREATE FUNCTION ext.widget_to_sql(internal) RETURNS ext.widget LANGUAGE internal IMMUTABLE STRICT AS 'int4recv'",
                "CREATE TRANSFORM FOR ext.widget LANGUAGE my_lang (FROM SQL WITH FUNCTION ext.widget_from_sql(internal),"
                        + " TO SQL WITH FUNCTION ext.widget_to_sql(internal))",
                "CREATE TRANSFORM FOR ext.mytext LANGUAGE my_lang (FROM SQL WITH FUNCTION ext.widget_from_sql(internal))",
                "COMMENT ON TRANSFORM FOR ext.widget LANGUAGE my_lang IS 'a transform'",
                "CREATE FOREIGN DATA WRAPPER plain_wrapper OPTIONS (debug 'true', \"Mixed\" 'it''s')",
                "CREATE FOREIGN DATA WRAPPER \"Checked Wrapper\" VALIDATOR postgresql_fdw_validator",
                "COMMENT ON FOREIGN DATA WRAPPER plain_wrapper IS 'no handler'",
                "GRANT USAGE ON FOREIGN DATA WRAPPER plain_wrapper TO " + READER_ROLE + " WITH GRANT OPTION",
                "CREATE SERVER remote TYPE 'pg' VERSION '15' FOREIGN DATA WRAPPER plain_wrapper"
                        + " OPTIONS (host 'db.example', port '5432', \"odd key\" 'it''s')",
                "CREATE SERVER bare FOREIGN DATA WRAPPER plain_wrapper",
                "COMMENT ON SERVER remote IS 'a server'",
                "GRANT USAGE ON FOREIGN SERVER remote TO " + READER_ROLE,
                "ALTER SERVER bare OWNER TO " + READER_ROLE,
                "CREATE USER MAPPING FOR " + READER_ROLE + " SERVER remote OPTIONS (user 'bob', password '" + MAPPING_PASSWORD + "')",
                "CREATE USER MAPPING FOR PUBLIC SERVER remote",
                "CREATE USER MAPPING FOR CURRENT_USER SERVER bare OPTIONS (password 'it''s secret too')",
                "CREATE FOREIGN TABLE ext.remote_items (id integer NOT NULL, name text OPTIONS (column_name 'item_name') COLLATE \"C\" DEFAULT 'x',"
                        + " price numeric(10,2), CONSTRAINT positive CHECK (price > 0)) SERVER remote OPTIONS (schema_name 'public', table_name 'items')",
                "ALTER FOREIGN TABLE ext.remote_items ALTER COLUMN price SET STATISTICS 50",
                "ALTER FOREIGN TABLE ext.remote_items ADD CONSTRAINT small_id CHECK (id < 100) NOT VALID",
                "COMMENT ON FOREIGN TABLE ext.remote_items IS 'remote items'",
                "COMMENT ON COLUMN ext.remote_items.name IS 'the name'",
                "GRANT SELECT ON ext.remote_items TO " + READER_ROLE,
                "CREATE TABLE ext.items_parent (id integer, note text)",
                "CREATE FOREIGN TABLE ext.items_child (extra text) INHERITS (ext.items_parent) SERVER bare",
                "CREATE TABLE ext.parted (id integer, at date) PARTITION BY RANGE (at)",
                "CREATE FOREIGN TABLE ext.parted_remote PARTITION OF ext.parted FOR VALUES FROM ('2020-01-01') TO ('2021-01-01') SERVER remote",
                // file_fdw's functions keep their signatures from 12 to 18, so dumps restore across versions.
                "CREATE EXTENSION file_fdw",
                "CREATE SERVER files FOREIGN DATA WRAPPER file_fdw",
                "CREATE USER MAPPING FOR " + READER_ROLE + " SERVER files",
                "CREATE FOREIGN TABLE ext.file_items (id integer, name text) SERVER files"
                        + " OPTIONS (filename '/nonexistent/items.csv', format 'csv', header 'true')",
                "CREATE TABLE ext.late_child (extra text, wheels integer CONSTRAINT vehicle_wheels_check CHECK (wheels >= 0), name text,"
                        + " id integer NOT NULL)",
                "ALTER TABLE ext.late_child INHERIT shop.vehicle",
                "INSERT INTO ext.late_child VALUES ('e', 3, 'trike', 9)",
                "GRANT SELECT (prosrc) ON pg_catalog.pg_proc TO " + READER_ROLE,
                "GRANT EXECUTE ON FUNCTION pg_catalog.pg_ls_dir(text) TO " + READER_ROLE));
        if (major >= 13) {
            s.add("ALTER TABLE shop.events_2025 DISABLE TRIGGER events_audit");
        }
        if (major >= 14) {
            s.addAll(List.of(
                    "CREATE MATERIALIZED VIEW ext.compressed_mv AS SELECT 'x'::text AS t",
                    "ALTER MATERIALIZED VIEW ext.compressed_mv ALTER COLUMN t SET COMPRESSION pglz",
                    "CREATE TYPE ext.intvec",
                    "CREATE FUNCTION ext.intvec_in(cstring) RETURNS ext.intvec LANGUAGE internal IMMUTABLE STRICT AS 'array_in'",
                    "CREATE FUNCTION ext.intvec_out(ext.intvec) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'array_out'",
                    "CREATE TYPE ext.intvec (INPUT = ext.intvec_in, OUTPUT = ext.intvec_out, INTERNALLENGTH = variable, ELEMENT = int2,"
                            + " SUBSCRIPT = raw_array_subscript_handler, STORAGE = main)",
                    "CREATE TABLE ext.vectors (v ext.intvec)",
                    "INSERT INTO ext.vectors VALUES ('{1,2,3}')"));
        }
        return s;
    }
}
