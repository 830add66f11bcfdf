package dev.dbbackup.engine.postgres;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;

/** One-line descriptions of driver and server errors. */
final class PostgresErrors {

    private PostgresErrors() {
    }

    static String describe(SQLException e) {
        if (e instanceof PSQLException pe && pe.getServerErrorMessage() != null) {
            ServerErrorMessage m = pe.getServerErrorMessage();
            StringBuilder sb = new StringBuilder();
            sb.append(m.getSeverity() != null ? m.getSeverity() : "ERROR").append(": ").append(m.getMessage());
            if (m.getDetail() != null) {
                sb.append(" (").append(m.getDetail()).append(')');
            }
            if (m.getHint() != null) {
                sb.append(" hint: ").append(m.getHint());
            }
            return oneLine(sb.toString());
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return oneLine(message);
    }

    static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
