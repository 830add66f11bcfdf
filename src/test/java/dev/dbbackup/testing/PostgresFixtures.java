package dev.dbbackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads the public sample databases of ../shared/fixtures/postgres with the commands of its README. */
public final class PostgresFixtures {

    /** Fixture names accepted by {@link #load}. */
    public static final List<String> NAMES = List.of("pagila", "chinook", "chinook-identity", "northwind", "kitchen-sink", "sakila-jooq");

    private PostgresFixtures() {
    }

    public static Path root() {
        return Path.of(System.getProperty("dbbackup.fixtures", "../shared/fixtures")).resolve("postgres");
    }

    /** Creates a fresh database on the server and loads the fixture into it; returns the database name. */
    public static String load(PostgresServer server, String name) {
        String db = server.createDatabase("fx_" + name);
        Path dir = root();
        List<String> args = new ArrayList<>();
        switch (name) {
            case "pagila" -> files(args, dir.resolve("pagila"), "pagila-schema.sql", "pagila-schema-jsonb.sql", "pagila-data.sql");
            case "chinook" -> args.addAll(List.of("-f", stripped(dir.resolve("chinook/Chinook_PostgreSql.sql"), "chinook").toString()));
            case "chinook-identity" -> args.addAll(List.of("-f",
                    stripped(dir.resolve("chinook/Chinook_PostgreSql_AutoIncrementPKs.sql"), "chinook_auto_increment").toString()));
            case "northwind" -> files(args, dir.resolve("northwind"), "northwind.sql");
            case "kitchen-sink" -> {
                args.addAll(List.of("-c", "create extension if not exists citext"));
                files(args, dir.resolve("postgraphile-kitchen-sink"), "kitchen-sink-schema.sql", "kitchen-sink-data.sql");
            }
            case "sakila-jooq" -> files(args, dir.resolve("sakila-jooq"), "postgres-sakila-schema.sql",
                    "postgres-sakila-insert-data-using-copy.sql");
            default -> throw new IllegalArgumentException("unknown fixture " + name);
        }
        server.psql(db, args);
        return db;
    }

    private static void files(List<String> args, Path dir, String... names) {
        for (String n : names) {
            args.add("-f");
            args.add(dir.resolve(n).toString());
        }
    }

    /** The chinook scripts create and \c their own database; the README's sed drops those three lines. */
    private static Path stripped(Path script, String database) {
        try {
            Path copy = Files.createTempFile("fixture-", ".sql");
            copy.toFile().deleteOnExit();
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(script)) {
                if (line.equals("DROP DATABASE IF EXISTS " + database + ";") || line.equals("CREATE DATABASE " + database + ";")
                        || line.equals("\\c " + database + ";")) {
                    continue;
                }
                kept.add(line);
            }
            Files.write(copy, kept);
            copy.toFile().setReadable(true, false);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
