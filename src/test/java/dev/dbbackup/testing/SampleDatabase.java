package dev.dbbackup.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A small SQLite application database like the seed's (bots, chats, messages), built over JDBC. */
public final class SampleDatabase {

    private SampleDatabase() {
    }

    public static Path create(Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bots (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, token BLOB, active INTEGER DEFAULT 1)");
            s.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, bot_id INTEGER REFERENCES bots(id), body TEXT, score REAL, created_at TEXT)");
            s.execute("CREATE INDEX messages_bot ON messages(bot_id)");
            s.execute("CREATE VIEW active_bots AS SELECT * FROM bots WHERE active = 1");
            c.setAutoCommit(false);
            try (PreparedStatement bot = c.prepareStatement("INSERT INTO bots(name, token, active) VALUES (?, ?, ?)");
                 PreparedStatement msg = c.prepareStatement("INSERT INTO messages(bot_id, body, score, created_at) VALUES (?, ?, ?, ?)")) {
                for (int i = 1; i <= 50; i++) {
                    bot.setString(1, "bot-" + i + (i % 7 == 0 ? " 'quoted' ü" : ""));
                    bot.setBytes(2, new byte[] {(byte) i, 0, (byte) 0xff});
                    bot.setInt(3, i % 3 == 0 ? 0 : 1);
                    bot.executeUpdate();
                }
                for (int i = 1; i <= 500; i++) {
                    msg.setInt(1, 1 + i % 50);
                    msg.setString(2, "message " + i + (i % 11 == 0 ? "\nwith a newline" : ""));
                    msg.setDouble(3, i / 3.0);
                    msg.setString(4, "2025-11-0" + (1 + i % 9) + "T10:00:00Z");
                    msg.executeUpdate();
                }
            }
            c.commit();
        }
        return file;
    }

    /** Adds a row so the database differs from its earlier backups. */
    public static void addMessage(Path file, String body) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             PreparedStatement msg = c.prepareStatement("INSERT INTO messages(bot_id, body) VALUES (1, ?)")) {
            msg.setString(1, body);
            msg.executeUpdate();
        }
    }

    public static long count(Path file, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
