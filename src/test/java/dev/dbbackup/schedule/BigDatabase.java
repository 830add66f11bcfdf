package dev.dbbackup.schedule;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

/** A SQLite database big enough that its backup takes seconds, so a test can stop dbbackup in the middle of one. */
public final class BigDatabase {

    private BigDatabase() {
    }

    /** {@code rows} rows of 200 random hexadecimal characters (which compress poorly). */
    public static Path create(Path file, int rows) throws SQLException {
        Random random = new Random(42);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=OFF");
            s.execute("PRAGMA synchronous=OFF");
            s.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO events(payload) VALUES (?)")) {
                StringBuilder text = new StringBuilder(200);
                for (int i = 0; i < rows; i++) {
                    text.setLength(0);
                    for (int j = 0; j < 25; j++) {
                        text.append(String.format("%08x", random.nextInt()));
                    }
                    insert.setString(1, text.toString());
                    insert.addBatch();
                    if (i % 10_000 == 9_999) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            c.commit();
        }
        return file;
    }
}
