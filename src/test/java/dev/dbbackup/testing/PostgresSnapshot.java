package dev.dbbackup.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a restore must reproduce, read from the catalog with the server's deparsers so that any two
 * servers 12–18 can be compared: objects and their definitions, comments, ACLs, owners, sequence positions,
 * populated state of materialized views, and an md5 of every table's ordered rows.
 */
public final class PostgresSnapshot {

    private static final String USER_SCHEMA = "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'";
    private static final String NOT_EXTENSION = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = %s AND d.deptype = 'e')";

    public final Map<String, String> schema = new TreeMap<>();
    public final Map<String, String> rows = new TreeMap<>();
    public final Map<String, String> sequences = new TreeMap<>();
    public final Map<String, String> comments = new TreeMap<>();
    public final Map<String, String> acls = new TreeMap<>();
    public final Map<String, String> matviews = new TreeMap<>();
    public final Map<String, String> viewRows = new TreeMap<>();

    private PostgresSnapshot() {
    }

    public static PostgresSnapshot take(PostgresServer server, String database) {
        return take(server, database, false);
    }

    /**
     * With {@code viewRows}, also fingerprints the rows of every view (slow for some views); used across major
     * versions, where deparsed view text differs.
     */
    public static PostgresSnapshot take(PostgresServer server, String database, boolean viewRows) {
        PostgresSnapshot s = new PostgresSnapshot();
        try (Connection c = server.connect(database)) {
            c.createStatement().execute("SELECT pg_catalog.set_config('search_path', '', false)");
            s.read(c, server.major(), viewRows);
        } catch (SQLException e) {
            throw new IllegalStateException("snapshot of " + database + " on " + server + ": " + e.getMessage(), e);
        }
        return s;
    }

    private void read(Connection c, int major, boolean withViewRows) throws SQLException {
        put(c, schema, "schema", "SELECT n.nspname, pg_get_userbyid(n.nspowner) FROM pg_namespace n WHERE " + USER_SCHEMA
                + " AND " + NOT_EXTENSION.formatted("n.oid"));
        put(c, schema, "extension", "SELECT e.extname, n.nspname || ' ' || e.extversion FROM pg_extension e "
                + "JOIN pg_namespace n ON n.oid = e.extnamespace");
        put(c, schema, "type", "SELECT n.nspname || '.' || t.typname, t.typtype::text || ' ' || pg_get_userbyid(t.typowner) || ' '"
                + " || coalesce(format_type(t.typbasetype, t.typtypmod), '') || ' ' || t.typnotnull || ' ' || coalesce(t.typdefault, '')"
                + " || ' ' || coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '')"
                + " || ' ' || coalesce((SELECT string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod), ',' ORDER BY a.attnum)"
                + "   FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '')"
                + " || ' ' || coalesce((SELECT format_type(r.rngsubtype, NULL) || ' ' || r.rngsubdiff::regproc::text FROM pg_range r WHERE r.rngtypid = t.oid), '')"
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE " + USER_SCHEMA
                + " AND t.typtype IN ('e', 'c', 'd', 'r') AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')"
                + " AND " + NOT_EXTENSION.formatted("t.oid"));
        put(c, schema, "function", "SELECT p.oid::regprocedure::text, "
                + "pg_get_userbyid(p.proowner) || ' ' || CASE WHEN p.prokind = 'a' THEN "
                + "  (SELECT a.aggtransfn::regproc::text || ' ' || format_type(a.aggtranstype, NULL) || ' ' || a.aggfinalfn::regproc::text"
                + "   || ' ' || coalesce(a.agginitval, '') FROM pg_aggregate a WHERE a.aggfnoid = p.oid)"
                + " ELSE pg_get_functiondef(p.oid) END FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE "
                + USER_SCHEMA + " AND " + NOT_EXTENSION.formatted("p.oid"));
        put(c, schema, "relation", "SELECT n.nspname || '.' || c.relname, c.relkind::text || ' ' || c.relpersistence::text || ' '"
                + " || pg_get_userbyid(c.relowner) || ' ' || coalesce(c.reloptions::text, '') || ' '"
                + " || coalesce(pg_get_expr(c.relpartbound, c.oid), '') || ' ' || CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) ELSE '' END"
                + " || ' ' || coalesce((SELECT string_agg(i.inhparent::regclass::text, ',' ORDER BY i.inhseqno) FROM pg_inherits i WHERE i.inhrelid = c.oid), '')"
                + " || ' ' || c.relrowsecurity || c.relforcerowsecurity || ' ' || c.relreplident::text"
                + " || ' toast ' || coalesce((SELECT t.reloptions::text FROM pg_class t WHERE t.oid = c.reltoastrelid), '')"
                + " || ' tablespace ' || coalesce((SELECT spcname FROM pg_tablespace WHERE oid = c.reltablespace), '')"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA
                + " AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND " + NOT_EXTENSION.formatted("c.oid"));
        put(c, schema, "column", "SELECT n.nspname || '.' || c.relname || '.' || a.attname,"
                + " (SELECT count(*) FROM pg_attribute b WHERE b.attrelid = a.attrelid AND b.attnum > 0 AND b.attnum <= a.attnum AND NOT b.attisdropped)"
                + " || ' ' || format_type(a.atttypid, a.atttypmod)"
                + " || ' ' || a.attnotnull || ' ' || a.attidentity::text || ' ' || a.attgenerated::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')"
                + " || ' ' || coalesce((SELECT collname FROM pg_collation WHERE oid = a.attcollation), '')"
                + " || ' stats ' || coalesce(a.attstattarget::int, -1) || ' storage ' || a.attstorage::text"
                + (major >= 14 ? " || CASE WHEN a.attcompression::text <> '' THEN ' compression ' || a.attcompression::text ELSE '' END" : "")
                // 15.20 and later stamp an internal pg_attver option on new columns; pg_dump leaves it out, so do we.
                + " || ' options ' || coalesce((SELECT array_agg(o ORDER BY o) FROM unnest(a.attoptions) o WHERE o NOT LIKE 'pg_attver=%')::text, '') || ' local ' || a.attislocal || ' inherited ' || a.attinhcount"
                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " WHERE " + USER_SCHEMA + " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped");
        put(c, schema, "view", "SELECT n.nspname || '.' || c.relname, pg_get_viewdef(c.oid) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA + " AND c.relkind IN ('v', 'm')");
        put(c, schema, "sequence", "SELECT n.nspname || '.' || c.relname, format_type(s.seqtypid, NULL) || ' ' || s.seqstart || ' '"
                + " || s.seqincrement || ' ' || s.seqmin || ' ' || s.seqmax || ' ' || s.seqcache || ' ' || s.seqcycle"
                + " || ' ' || coalesce((SELECT d.refobjid::regclass::text || '.' || d.refobjsubid || d.deptype::text FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
                + "   AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')), '')"
                + " FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA);
        put(c, schema, "constraint", "SELECT n.nspname || '.' || coalesce(c.relname, t.typname) || '.' || co.conname,"
                + " co.contype::text || ' ' || pg_get_constraintdef(co.oid) || ' ' || co.convalidated || ' ' || co.condeferrable || co.condeferred"
                + " || ' local ' || co.conislocal || ' inherited ' || co.coninhcount || CASE WHEN co.contype = 'c' THEN ' noinherit ' || co.connoinherit ELSE '' END"
                + " FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace LEFT JOIN pg_class c ON c.oid = co.conrelid"
                + " LEFT JOIN pg_type t ON t.oid = co.contypid WHERE " + USER_SCHEMA + " AND co.contype <> 'n'"
                + " AND " + NOT_EXTENSION.formatted("coalesce(c.oid, t.oid)"));
        put(c, schema, "index", "SELECT n.nspname || '.' || ic.relname, pg_get_indexdef(i.indexrelid) || ' ' || i.indisclustered"
                + " || ' stats ' || coalesce((SELECT string_agg(a.attnum || ':' || a.attstattarget, ',' ORDER BY a.attnum) FROM pg_attribute a"
                + "   WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0), '')"
                + " || ' tablespace ' || coalesce((SELECT spcname FROM pg_tablespace WHERE oid = ic.reltablespace), '')"
                + " || ' ' || i.indisreplident || ' ' || i.indisvalid || ' ' || coalesce((SELECT h.inhparent::regclass::text FROM pg_inherits h WHERE h.inhrelid = i.indexrelid), '')"
                + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace"
                + " WHERE " + USER_SCHEMA + " AND " + NOT_EXTENSION.formatted("i.indrelid"));
        String notCloned = major >= 13 ? " AND tg.tgparentid = 0" : "";
        put(c, schema, "trigger", "SELECT tg.tgrelid::regclass::text || '.' || tg.tgname, pg_get_triggerdef(tg.oid) || ' ' || tg.tgenabled::text"
                + " FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE " + USER_SCHEMA + " AND NOT tg.tgisinternal" + notCloned);
        put(c, schema, "rule", "SELECT r.ev_class::regclass::text || '.' || r.rulename, pg_get_ruledef(r.oid) || ' ' || r.ev_enabled::text"
                + " FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE " + USER_SCHEMA + " AND r.rulename <> '_RETURN'");
        put(c, schema, "policy", "SELECT schemaname || '.' || tablename || '.' || policyname, permissive || ' ' || roles::text || ' ' || cmd"
                + " || ' ' || coalesce(qual, '') || ' ' || coalesce(with_check, '') FROM pg_policies");
        put(c, schema, "statistics", "SELECT n.nspname || '.' || s.stxname, pg_get_statisticsobjdef(s.oid) FROM pg_statistic_ext s"
                + " JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE " + USER_SCHEMA);
        put(c, schema, "publication", "SELECT p.pubname, p.puballtables || ' ' || p.pubinsert || p.pubupdate || p.pubdelete || p.pubtruncate"
                + " || ' ' || coalesce((SELECT string_agg(pr.prrelid::regclass::text, ',' ORDER BY pr.prrelid::regclass::text)"
                + "   FROM pg_publication_rel pr WHERE pr.prpubid = p.oid), '') FROM pg_publication p");
        put(c, schema, "subscription", "SELECT s.subname, pg_get_userbyid(s.subowner) || ' ' || s.subconninfo || ' ' || coalesce(s.subslotname::text, '')"
                + " || ' ' || s.subpublications::text || ' ' || s.subenabled || ' ' || s.subsynccommit || ' options'"
                + (major >= 14 ? " || ' ' || s.subbinary || ' ' || s.substream::text" : "")
                + (major >= 15 ? " || ' ' || s.subtwophasestate::text || ' ' || s.subdisableonerr" : "")
                + (major >= 16 ? " || ' ' || s.suborigin || ' ' || s.subpasswordrequired || ' ' || s.subrunasowner" : "")
                + (major >= 17 ? " || ' ' || s.subfailover" : "")
                + " FROM pg_subscription s WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())");
        put(c, schema, "database", "SELECT 'properties', coalesce(shobj_description(d.oid, 'pg_database'), '') || ' '"
                + " || coalesce((SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(coalesce(d.datacl, acldefault('d', d.datdba))) x), '')"
                + " || ' ' || coalesce((SELECT string_agg(coalesce(pg_get_userbyid(nullif(s.setrole, 0)), '*') || ':' || s.setconfig::text, ','"
                + "   ORDER BY s.setrole) FROM pg_db_role_setting s WHERE s.setdatabase = d.oid), '')"
                + " FROM pg_database d WHERE d.datname = current_database()");
        put(c, schema, "event trigger", "SELECT evtname, evtevent || ' ' || evtfoid::regproc::text || ' ' || evtenabled::text || ' '"
                + " || coalesce(evttags::text, '') FROM pg_event_trigger");
        put(c, schema, "cast", "SELECT format_type(castsource, NULL) || ' AS ' || format_type(casttarget, NULL),"
                + " castfunc::regprocedure::text || ' ' || castcontext::text || castmethod::text FROM pg_cast WHERE oid >= 16384 AND "
                + NOT_EXTENSION.formatted("pg_cast.oid"));
        put(c, schema, "operator", "SELECT o.oprnamespace::regnamespace::text || '.' || o.oprname || '(' || format_type(o.oprleft, NULL) || ','"
                + " || format_type(o.oprright, NULL) || ')', o.oprcode::regproc::text || ' ' || o.oprcom::regoper::text || ' ' || o.oprnegate::regoper::text"
                + " FROM pg_operator o WHERE o.oid >= 16384 AND " + NOT_EXTENSION.formatted("o.oid"));
        put(c, schema, "text search dictionary", "SELECT d.dictnamespace::regnamespace::text || '.' || d.dictname,"
                + " (SELECT t.tmplnamespace::regnamespace::text || '.' || t.tmplname FROM pg_ts_template t WHERE t.oid = d.dicttemplate)"
                + " || ' ' || coalesce(d.dictinitoption, '') FROM pg_ts_dict d WHERE d.oid >= 16384");
        put(c, schema, "text search configuration", "SELECT c.cfgnamespace::regnamespace::text || '.' || c.cfgname,"
                + " (SELECT string_agg(m.maptokentype || ':' || m.mapdict::regdictionary::text, ',' ORDER BY m.maptokentype, m.mapseqno)"
                + "  FROM pg_ts_config_map m WHERE m.mapcfg = c.oid) FROM pg_ts_config c WHERE c.oid >= 16384");
        readCatalogKinds(c, major);
        put(c, schema, "large object", "SELECT oid::text, pg_get_userbyid(lomowner) FROM pg_largeobject_metadata");
        put(c, schema, "default acl", "SELECT pg_get_userbyid(defaclrole) || ' ' || defaclnamespace::regnamespace::text || ' ' || defaclobjtype::text,"
                + " defaclacl::text FROM pg_default_acl");

        put(c, comments, "", "SELECT o.type || ' ' || o.identity, d.description FROM pg_description d,"
                + " LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o"
                + " WHERE (d.objoid >= 16384 OR (d.classoid = 'pg_namespace'::regclass AND d.objoid = 'public'::regnamespace))");
        // An ACL spelled out as exactly its default grants what no ACL (NULL) grants; pg_dump writes neither, so both count as none.
        String relationDefault = "acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::\"char\", c.relowner)";
        put(c, acls, "relation", "SELECT c.oid::regclass::text, coalesce(c.relacl, " + relationDefault + ")::text || ' '"
                + " || coalesce((SELECT string_agg(a.attname || a.attacl::text, ',' ORDER BY a.attnum)"
                + " FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL), '')"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA
                + " AND " + NOT_EXTENSION.formatted("c.oid") + " AND (c.relacl <> " + relationDefault
                + " OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL))");
        put(c, acls, "function", "SELECT p.oid::regprocedure::text, p.proacl::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE " + USER_SCHEMA + " AND p.proacl <> acldefault('f', p.proowner) AND " + NOT_EXTENSION.formatted("p.oid"));
        put(c, acls, "built-in function", "SELECT p.oid::regprocedure::text, coalesce(p.proacl::text, '') FROM pg_proc p"
                + " LEFT JOIN pg_init_privs ip ON ip.objoid = p.oid AND ip.classoid = 'pg_proc'::regclass AND ip.objsubid = 0"
                + " WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proacl IS DISTINCT FROM ip.initprivs");
        put(c, acls, "built-in column", "SELECT a.attrelid::regclass::text || '.' || a.attname, coalesce(a.attacl::text, '') FROM pg_attribute a"
                + " JOIN pg_class c ON c.oid = a.attrelid"
                + " LEFT JOIN pg_init_privs ip ON ip.objoid = a.attrelid AND ip.classoid = 'pg_class'::regclass AND ip.objsubid = a.attnum"
                + " WHERE c.relnamespace = 'pg_catalog'::regnamespace AND a.attnum > 0 AND a.attacl IS DISTINCT FROM ip.initprivs");
        // An ACL spelled out as its default (in any order) is no ACL, as for relations above.
        put(c, acls, "language", "SELECT l.lanname, l.lanacl::text FROM pg_language l WHERE l.lanacl IS NOT NULL"
                + " AND (SELECT array_agg(x::text ORDER BY x::text) FROM unnest(l.lanacl) x)"
                + " <> (SELECT array_agg(x::text ORDER BY x::text) FROM unnest(acldefault('l', l.lanowner)) x)");
        put(c, acls, "schema", "SELECT n.nspname, n.nspacl::text FROM pg_namespace n WHERE " + USER_SCHEMA
                + " AND n.nspacl <> acldefault('n', n.nspowner)");
        put(c, acls, "type", "SELECT t.oid::regtype::text, t.typacl::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                + " WHERE " + USER_SCHEMA + " AND t.typacl <> acldefault('T', t.typowner) AND " + NOT_EXTENSION.formatted("t.oid"));
        put(c, matviews, "", "SELECT c.oid::regclass::text, c.relispopulated::text FROM pg_class c WHERE c.relkind = 'm'");

        List<String> sequenceNames = list(c, "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind = 'S' AND " + USER_SCHEMA);
        for (String seq : sequenceNames) {
            put(c, sequences, "", "SELECT '" + seq.replace("'", "''") + "', last_value || ' ' || is_called FROM " + seq);
        }
        List<String> tables = list(c, "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind = 'r' AND " + USER_SCHEMA + " AND " + NOT_EXTENSION.formatted("c.oid"));
        for (String table : tables) {
            put(c, rows, "", "SELECT '" + table.replace("'", "''") + "', count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '')"
                    + " FROM ONLY " + table + " AS t");
        }
        List<String> views = list(c, "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('v', 'm') AND c.relispopulated AND " + USER_SCHEMA + " AND " + NOT_EXTENSION.formatted("c.oid"));
        for (String view : withViewRows ? views : List.<String>of()) {
            // Views may aggregate without ORDER BY (string_agg), so only the multiset of characters is compared.
            put(c, viewRows, "", "SELECT '" + view.replace("'", "''") + "', (SELECT count(*) FROM " + view + ") || ' ' || coalesce("
                    + "(SELECT md5(string_agg(ch, '' ORDER BY ch COLLATE \"C\")) FROM (SELECT regexp_split_to_table(t::text, '') AS ch"
                    + " FROM " + view + " AS t) s), '')");
        }
        for (String lo : list(c, "SELECT oid::text FROM pg_largeobject_metadata")) {
            put(c, rows, "", "SELECT 'large object " + lo + "', md5(lo_get(" + lo + "))");
        }
    }

    /** Base and shell types, ranges' canonical functions, operator classes and families, access methods, conversions,
     * text search parsers and templates, languages, transforms, foreign data wrappers, servers, user mappings and
     * foreign tables. */
    private void readCatalogKinds(Connection c, int major) throws SQLException {
        String subscript = major >= 14 ? "NULLIF(t.typsubscript::regproc::text, '-')" : "NULL::text";
        put(c, schema, "base type", "SELECT n.nspname || '.' || t.typname, concat_ws(' ', t.typtype, t.typisdefined, pg_get_userbyid(t.typowner),"
                + " t.typlen, t.typbyval, t.typalign, t.typstorage, t.typcategory, t.typispreferred, t.typdelim, t.typinput::regproc,"
                + " t.typoutput::regproc, t.typreceive::regproc, t.typsend::regproc, t.typmodin::regproc, t.typmodout::regproc,"
                + " t.typanalyze::regproc, " + subscript + ", t.typelem::regtype, t.typdefault, t.typcollation <> 0)"
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE " + USER_SCHEMA + " AND t.typtype IN ('b', 'p')"
                + " AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid) AND " + NOT_EXTENSION.formatted("t.oid"));
        put(c, schema, "range", "SELECT r.rngtypid::regtype::text, concat_ws(' ', r.rngsubtype::regtype, r.rngcanonical::regproc,"
                + " r.rngsubdiff::regproc, (SELECT opcname FROM pg_opclass WHERE oid = r.rngsubopc),"
                + " (SELECT collname FROM pg_collation WHERE oid = r.rngcollation)) FROM pg_range r WHERE r.rngtypid >= 16384");
        put(c, schema, "operator family", "SELECT f.opfnamespace::regnamespace::text || '.' || f.opfname || ' ' || a.amname,"
                + " pg_get_userbyid(f.opfowner) || ' ' || coalesce((SELECT string_agg(o.amopstrategy || ' ' || o.amopopr::regoperator::text"
                + "   || ' ' || o.amoppurpose::text || ' ' || o.amoplefttype::regtype || ' ' || o.amoprighttype::regtype || ' ' || coalesce((SELECT sf.opfname FROM pg_opfamily sf WHERE sf.oid = o.amopsortfamily), ''), ', '"
                + "   ORDER BY o.amopstrategy, o.amopopr::regoperator::text) FROM pg_amop o WHERE o.amopfamily = f.oid), '')"
                + " || ' | ' || coalesce((SELECT string_agg(p.amprocnum || ' ' || p.amproc::regprocedure::text || ' ' || p.amproclefttype::regtype"
                + "   || ' ' || p.amprocrighttype::regtype, ', ' ORDER BY p.amprocnum, p.amproc::regprocedure::text) FROM pg_amproc p WHERE p.amprocfamily = f.oid), '')"
                + " FROM pg_opfamily f JOIN pg_am a ON a.oid = f.opfmethod WHERE f.oid >= 16384 AND " + NOT_EXTENSION.formatted("f.oid"));
        put(c, schema, "operator class", "SELECT o.opcnamespace::regnamespace::text || '.' || o.opcname || ' ' || a.amname,"
                + " concat_ws(' ', pg_get_userbyid(o.opcowner), o.opcintype::regtype, o.opckeytype::regtype, o.opcdefault,"
                + " (SELECT f.opfnamespace::regnamespace::text || '.' || f.opfname FROM pg_opfamily f WHERE f.oid = o.opcfamily))"
                + " FROM pg_opclass o JOIN pg_am a ON a.oid = o.opcmethod WHERE o.oid >= 16384 AND " + NOT_EXTENSION.formatted("o.oid"));
        put(c, schema, "access method", "SELECT amname, amtype::text || ' ' || amhandler::regproc::text FROM pg_am WHERE oid >= 16384");
        put(c, schema, "conversion", "SELECT connamespace::regnamespace::text || '.' || conname, concat_ws(' ', pg_get_userbyid(conowner),"
                + " pg_encoding_to_char(conforencoding), pg_encoding_to_char(contoencoding), conproc::regproc, condefault)"
                + " FROM pg_conversion WHERE oid >= 16384 AND " + NOT_EXTENSION.formatted("pg_conversion.oid"));
        put(c, schema, "text search parser", "SELECT prsnamespace::regnamespace::text || '.' || prsname, concat_ws(' ', prsstart::regproc,"
                + " prstoken::regproc, prsend::regproc, prslextype::regproc, prsheadline::regproc) FROM pg_ts_parser WHERE oid >= 16384");
        put(c, schema, "text search template", "SELECT tmplnamespace::regnamespace::text || '.' || tmplname, concat_ws(' ', tmplinit::regproc,"
                + " tmpllexize::regproc) FROM pg_ts_template WHERE oid >= 16384");
        put(c, schema, "language", "SELECT lanname, concat_ws(' ', pg_get_userbyid(lanowner), lanpltrusted, lanplcallfoid::regproc,"
                + " laninline::regproc, lanvalidator::regproc) FROM pg_language WHERE oid >= 16384 AND " + NOT_EXTENSION.formatted("pg_language.oid"));
        put(c, acls, "language", "SELECT lanname, lanacl::text FROM pg_language WHERE lanacl IS NOT NULL AND oid >= 16384");
        put(c, schema, "transform", "SELECT trftype::regtype::text || ' ' || (SELECT lanname FROM pg_language WHERE oid = trflang),"
                + " trffromsql::regprocedure::text || ' ' || trftosql::regprocedure::text FROM pg_transform WHERE oid >= 16384");
        put(c, schema, "foreign data wrapper", "SELECT fdwname, concat_ws(' ', pg_get_userbyid(fdwowner), fdwhandler::regproc,"
                + " fdwvalidator::regproc, fdwoptions) FROM pg_foreign_data_wrapper");
        put(c, acls, "foreign data wrapper", "SELECT fdwname, fdwacl::text FROM pg_foreign_data_wrapper WHERE fdwacl IS NOT NULL");
        put(c, schema, "server", "SELECT srvname, concat_ws(' ', pg_get_userbyid(srvowner), srvtype, srvversion,"
                + " (SELECT fdwname FROM pg_foreign_data_wrapper WHERE oid = srvfdw), srvoptions) FROM pg_foreign_server");
        put(c, acls, "server", "SELECT srvname, srvacl::text FROM pg_foreign_server WHERE srvacl IS NOT NULL");
        put(c, schema, "user mapping", "SELECT srvname || ' ' || usename, umoptions::text FROM pg_user_mappings");
        put(c, schema, "foreign table", "SELECT ftrelid::regclass::text, (SELECT srvname FROM pg_foreign_server WHERE oid = ftserver)"
                + " || ' ' || coalesce(ftoptions::text, '') || ' ' || coalesce((SELECT string_agg(a.attname || '=' || a.attfdwoptions::text, ','"
                + "   ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = ftrelid AND a.attfdwoptions IS NOT NULL), '')"
                + " FROM pg_foreign_table");
        if (major >= 13) {
            put(c, schema, "cloned trigger", "SELECT tg.tgrelid::regclass::text || '.' || tg.tgname, tg.tgenabled::text FROM pg_trigger tg"
                    + " JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA
                    + " AND tg.tgparentid <> 0 AND NOT tg.tgisinternal");
        }
        if (major >= 14) {
            put(c, schema, "column compression", "SELECT a.attrelid::regclass::text || '.' || a.attname, a.attcompression::text FROM pg_attribute a"
                    + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA
                    + " AND a.attcompression <> '' AND a.attnum > 0");
        }
        String initPrivs = "LEFT JOIN pg_init_privs ip ON ip.objoid = %s AND ip.classoid = '%s'::regclass AND ip.objsubid = %s";
        put(c, acls, "system object", "SELECT 'table ' || c.relname, c.relacl::text FROM pg_class c " + initPrivs.formatted("c.oid", "pg_class", "0")
                + " WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind IN ('r', 'v')"
                + " AND coalesce(c.relacl, acldefault('r', c.relowner)) IS DISTINCT FROM coalesce(ip.initprivs, acldefault('r', c.relowner))"
                + " UNION ALL SELECT 'column ' || c.relname || '.' || a.attname, a.attacl::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                + initPrivs.formatted("c.oid", "pg_class", "a.attnum") + " WHERE c.relnamespace = 'pg_catalog'::regnamespace AND a.attnum > 0"
                + " AND a.attacl IS DISTINCT FROM ip.initprivs"
                + " UNION ALL SELECT 'function ' || p.oid::regprocedure::text, p.proacl::text FROM pg_proc p " + initPrivs.formatted("p.oid", "pg_proc", "0")
                + " WHERE p.pronamespace = 'pg_catalog'::regnamespace"
                + " AND coalesce(p.proacl, acldefault('f', p.proowner)) IS DISTINCT FROM coalesce(ip.initprivs, acldefault('f', p.proowner))");
    }

    private static void put(Connection c, Map<String, String> into, String kind, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String key = (kind.isEmpty() ? "" : kind + " ") + rs.getString(1);
                String value = Objects.toString(rs.getString(2), "<null>");
                String previous = into.put(key, value);
                if (previous != null) {
                    into.put(key, previous + " | " + value);
                }
            }
        } catch (SQLException e) {
            throw new SQLException(e.getMessage() + " in: " + sql, e);
        }
    }

    private static List<String> list(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Human-readable differences between two snapshots, empty when they match. */
    public List<String> differences(PostgresSnapshot other) {
        List<String> out = new ArrayList<>();
        diff("schema", schema, other.schema, out);
        diff("rows", rows, other.rows, out);
        diff("sequence", sequences, other.sequences, out);
        diff("comment", comments, other.comments, out);
        diff("acl", acls, other.acls, out);
        diff("matview", matviews, other.matviews, out);
        diff("view rows", viewRows, other.viewRows, out);
        return out;
    }

    /**
     * A copy without what legitimately differs between major versions: deparsed view text (compared through
     * the views' rows instead), quoting in deparsed function headers, what older servers do not record (cloned
     * triggers, column compression), objects newer servers create on their own (multirange constructors and casts),
     * extension versions, the public schema's defaults, and privileges newer servers grant owners (MAINTAIN).
     */
    public PostgresSnapshot acrossVersions() {
        PostgresSnapshot n = new PostgresSnapshot();
        schema.forEach((k, v) -> {
            if (k.startsWith("view ") || k.contains("multirange") || k.equals("schema public")
                    || k.startsWith("cloned trigger ") || k.startsWith("column compression ")) {
                return;
            }
            String value = v;
            if (k.startsWith("extension ")) {
                value = v.split(" ")[0];
            }
            if (k.startsWith("subscription ")) {
                // Options that exist only in newer versions read back as their defaults there.
                value = v.substring(0, v.indexOf(" options"));
            }
            if (k.startsWith("function ")) {
                // Newer deparsers quote names that became keywords (a parameter named json) and drop IN.
                value = value.replace("(IN ", "(").replace(", IN ", ", ").replace("\"", "");
            }
            n.schema.put(k, value);
        });
        n.rows.putAll(rows);
        n.sequences.putAll(sequences);
        // pg_identify_object names a transform "for T on language L" on newer servers, "for T language L" on older ones.
        comments.forEach((k, v) -> n.comments.put(k.replace(" on language ", " language "), v));
        acls.forEach((k, v) -> {
            if (!k.equals("schema public")) {
                n.acls.put(k, v.replace("arwdDxtm", "arwdDxt"));
            }
        });
        n.matviews.putAll(matviews);
        n.viewRows.putAll(viewRows);
        return n;
    }

    private static void diff(String what, Map<String, String> a, Map<String, String> b, List<String> out) {
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            String va = a.get(k);
            String vb = b.get(k);
            if (!Objects.equals(va, vb)) {
                out.add(what + " " + k + ":\n    source: " + va + "\n    target: " + vb);
            }
        }
    }

    public int objectCount() {
        return schema.size();
    }
}
