package dev.dbbackup.testing;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.engine.sqlite.SqliteEngine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public sample databases of {@code ../shared/fixtures/sqlite} as writable SQLite files in a folder of the
 * test's choosing: database files are copied, SQL scripts are loaded with our own restore (no sqlite3 needed).
 * The fixture folder is read-only and never written.
 */
public final class SqliteFixtures {

    public static final String CHINOOK_FILE = "chinook-file";
    public static final String CHINOOK_SCRIPT = "chinook-script";
    public static final String NORTHWIND = "northwind";
    public static final String MURDER_MYSTERY = "murder-mystery";
    public static final String SAKILA_SCHEMA = "sakila-schema";

    public static final List<String> NAMES = List.of(CHINOOK_FILE, CHINOOK_SCRIPT, NORTHWIND, MURDER_MYSTERY, SAKILA_SCHEMA);

    private SqliteFixtures() {
    }

    /** The shared fixtures folder: system property dbbackup.fixtures, else ../shared/fixtures from the project. */
    public static Path root() {
        String configured = System.getProperty("dbbackup.fixtures");
        Path root = configured != null ? Path.of(configured) : Path.of("..", "shared", "fixtures");
        Path sqlite = root.resolve("sqlite");
        if (!Files.isDirectory(sqlite)) {
            throw new IllegalStateException("SQLite fixtures not found at " + sqlite.toAbsolutePath()
                    + "; run the tests from the project folder with shared/ beside it, or set -Ddbbackup.fixtures");
        }
        return root;
    }

    /** Builds the named fixture as {@code <folder>/<name>.db} and returns its path. */
    public static Path build(String name, Path folder) {
        Path sqlite = root().resolve("sqlite");
        Path target = folder.resolve(name + ".db");
        try {
            switch (name) {
                case CHINOOK_FILE -> Files.copy(sqlite.resolve("chinook/Chinook_Sqlite.sqlite"), target);
                case CHINOOK_SCRIPT -> load(target, sqlite.resolve("chinook/Chinook_Sqlite.sql"));
                case NORTHWIND -> load(target, sqlite.resolve("northwind/create.sql"), sqlite.resolve("northwind/update.sql"));
                case MURDER_MYSTERY -> Files.copy(sqlite.resolve("sql-murder-mystery/sql-murder-mystery.db"), target);
                case SAKILA_SCHEMA -> load(target, sqlite.resolve("sakila-schema-only/sqlite-sakila-schema.sql"));
                default -> throw new IllegalArgumentException("no SQLite fixture named " + name + "; known: " + NAMES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("building fixture " + name + " failed", e);
        }
        return target;
    }

    /** Every fixture, built into {@code folder}, by name. */
    public static Map<String, Path> buildAll(Path folder) {
        Map<String, Path> built = new LinkedHashMap<>();
        for (String name : NAMES) {
            built.put(name, build(name, folder));
        }
        return built;
    }

    /** Loads SQL scripts, in order, into a new database file with our own restore. */
    public static void load(Path target, Path... scripts) throws IOException {
        SqliteEngine engine = new SqliteEngine();
        DatabaseUrl url = DatabaseUrl.parse("sqlite:///" + target.toAbsolutePath());
        try (RestoreSession session = engine.beginRestore(url, RestoreOptions.defaults())) {
            for (Path script : scripts) {
                try (InputStream in = Files.newInputStream(script)) {
                    session.apply(in);
                }
            }
            session.commit();
        } catch (EngineException e) {
            throw new IllegalStateException("loading " + List.of(scripts) + " failed: " + e.getMessage(), e);
        }
    }
}
