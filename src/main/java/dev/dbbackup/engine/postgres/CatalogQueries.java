package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Runs catalog queries; every failure names what was being read. */
final class CatalogQueries {

    interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    private final Connection connection;

    CatalogQueries(Connection connection) {
        this.connection = connection;
    }

    void forEach(String what, String sql, RowHandler handler, Object... parameters) throws EngineException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    handler.row(rs);
                }
            }
        } catch (SQLException e) {
            throw new EngineException("reading " + what + " from the catalog failed: " + PostgresErrors.describe(e), e);
        }
    }

    String single(String what, String sql, Object... parameters) throws EngineException {
        List<String> values = new ArrayList<>();
        forEach(what, sql, rs -> values.add(rs.getString(1)), parameters);
        return values.isEmpty() ? null : values.get(0);
    }

    static List<String> textArray(ResultSet rs, String column) throws SQLException {
        Array array = rs.getArray(column);
        if (array == null) {
            return null;
        }
        Object[] values = (Object[]) array.getArray();
        List<String> out = new ArrayList<>();
        for (Object v : values) {
            out.add(v == null ? null : v.toString());
        }
        return out;
    }

    /** A subquery for the schema-qualified, quoted name of the collation whose oid is {@code oidColumn}. */
    static String collationName(String oidColumn) {
        return "(SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)"
                + " FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE co.oid = " + oidColumn + ")";
    }

    /** An oid list parameter for {@code = ANY(?::oid[])}. */
    static String oidArray(Iterable<Long> oids) {
        StringBuilder sb = new StringBuilder("{");
        for (Long oid : oids) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(oid);
        }
        return sb.append('}').toString();
    }
}
