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
}
