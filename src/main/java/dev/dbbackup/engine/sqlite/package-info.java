/**
 * The SQLite engine: dump and restore over sqlite-jdbc, no sqlite3 binary needed.
 *
 * <p>Dump format ({@link dev.dbbackup.engine.sqlite.SqliteDumper}), read in one read transaction on a
 * read-only connection, laid out like {@code sqlite3 .dump} so stock {@code sqlite3 new.db < dump.sql} loads it:
 * <ol>
 * <li>{@code PRAGMA foreign_keys=OFF;}, then page_size, auto_vacuum (when not 0) and encoding (when not
 * UTF-8), which only take effect before the first table exists;</li>
 * <li>{@code BEGIN TRANSACTION;}, user_version, application_id;</li>
 * <li>each table in sqlite_schema order with one {@code INSERT INTO "t"(cols) VALUES(...);} per row: generated
 * columns left out, the rowid written explicitly (as rowid, _rowid_ or oid, whichever no column hides) when no
 * column is a rowid alias; virtual tables as CREATE VIRTUAL TABLE followed, for each shadow table, by
 * {@code DELETE FROM} and its exact rows, so FTS5 and R*Tree indexes come back as they were (a virtual table
 * whose module this SQLite lacks is written as sqlite3 .dump does it: its sqlite_schema row through
 * {@code PRAGMA writable_schema}, its shadow tables as plain tables);</li>
 * <li>sqlite_sequence ({@code DELETE FROM sqlite_sequence;} and its rows), sqlite_stat1 (after
 * {@code ANALYZE sqlite_schema;}, which creates it); sqlite_stat4 is left out: Debian's sqlite3 is built
 * without it, so its rows would make the dump unloadable there, and ANALYZE rebuilds it;</li>
 * <li>indexes, views, triggers (after the data, so no trigger fires on restored rows), {@code COMMIT;};</li>
 * <li>{@code PRAGMA journal_mode=WAL;} when the source is in WAL mode: after the COMMIT so the load itself
 * does not go through a WAL file (the setting persists in the file);</li>
 * <li>{@link dev.dbbackup.engine.DumpMarkers#END_OF_DUMP} followed by {@code tables=N rows=M}.</li>
 * </ol>
 * Values keep their storage class and exact content: INTEGER as decimal, BLOB as x'..', TEXT as '...' (line
 * breaks through replace(...) so each row stays on one line; NUL or invalid encoding as CAST(x'..' AS TEXT)),
 * REAL as a decimal only when the decimal is exactly the double, otherwise as an integer significand scaled by
 * powers of two ({@code CAST(3602879701896397 AS REAL)/36028797018963968} is 0.1), because SQLite 3.40 and 3.46
 * both parse some 17-digit decimals one ulp off. The sqlite3 shell drops the CR of every CR LF line end, and
 * so does our splitter; the dump writes an extra CR before each CR LF in schema SQL so it reads back exactly.
 *
 * <p>Row counts are keyed by the exact sqlite_schema name of every table whose rows the dump carries:
 * ordinary tables, shadow tables, sqlite_sequence and sqlite_stat1.
 *
 * <p>Restore ({@link dev.dbbackup.engine.sqlite.SqliteRestoreSession}) writes a hidden file beside the target
 * with journal and syncs off, runs the script in one transaction with foreign keys off (PRAGMA foreign_keys in
 * the script is ignored; journal_mode is applied after the load), fsyncs it, and at commit checkpoints the
 * target's WAL, hard-links the target to {@code <name>.bak} and renames the new file over the target.
 * The script is cut into statements and parsed on a thread of its own ({@code StatementReader}), a bounded
 * stretch ahead of SQLite. Row INSERTs of literal values, which make up nearly all of a dump (ours and stock
 * {@code sqlite3 .dump}), are read in Java ({@code RowInsertParser}) and bound into one prepared statement per
 * table ({@code RowInserter}) instead of being compiled one by one; each value reaches SQLite with the storage
 * class and bits of the literal (decimals SQLite's own parser would round are converted by SQLite), so affinity,
 * STRICT and constraints act as on the literal statement. Anything else runs as written. The check after the
 * load is {@code PRAGMA quick_check}, which in the bundled SQLite also counts each index's entries.
 * Not kept: rowids of a table whose columns are named rowid, _rowid_ and oid (the dump says so in a comment).
 */
package dev.dbbackup.engine.sqlite;
