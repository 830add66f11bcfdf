package dev.dbbackup.engine.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How --jobs reads each table: whole, or a large table in ranges of blocks that several connections read at once
 * ({@code WHERE ctid >= '(a,0)' AND ctid < '(b,0)'}, a TID range scan from PostgreSQL 14; older servers would scan
 * the whole table for every range, so there tables stay whole). The ranges are consecutive and cover every block
 * (the last one is open-ended), and within a range rows come in block order, as a whole-table COPY returns them:
 * the output is the same as with one connection.
 */
final class TableParts {

    static final int FIRST_WITH_TID_RANGE_SCAN = 140000;
    /** Default size of one part: 256 MiB of table (heap; TOAST comes with its rows). */
    static final long DEFAULT_PART_BYTES = 256L << 20;
    /** A table's heap: its blocks and its bytes. */
    private record Heap(long blocks, long bytes) {
    }

    private TableParts() {
    }

    /** The parts of {@code tables} in dump order; tables smaller than 1.5 parts stay whole. */
    static List<ParallelTableCopy.Part> plan(Connection connection, int version, List<DumpObject.TableData> tables, long partBytes)
            throws SQLException {
        Map<Long, Heap> heaps = version >= FIRST_WITH_TID_RANGE_SCAN ? heaps(connection, tables) : Map.of();
        List<ParallelTableCopy.Part> parts = new ArrayList<>();
        for (int t = 0; t < tables.size(); t++) {
            DumpObject.TableData table = tables.get(t);
            Heap heap = heaps.getOrDefault(table.oid(), new Heap(0, 0));
            long size = heap.blocks();
            long count = Math.round((double) heap.bytes() / partBytes);
            if (count < 2 || table.columns().isEmpty() || table.condition() != null) {
                parts.add(new ParallelTableCopy.Part(t, table.copyOutSql()));
                continue;
            }
            for (long i = 0; i < count; i++) {
                long from = i * size / count;
                long to = (i + 1) * size / count;
                String range = (i == 0 ? "" : "ctid >= '(" + from + ",0)'::pg_catalog.tid")
                        + (i > 0 && i < count - 1 ? " AND " : "")
                        + (i == count - 1 ? "" : "ctid < '(" + to + ",0)'::pg_catalog.tid");
                parts.add(new ParallelTableCopy.Part(t, table.copyOutSql("WHERE " + range)));
            }
        }
        return parts;
    }

    /** The heaps of the plain heap tables among {@code tables}, by oid. */
    private static Map<Long, Heap> heaps(Connection connection, List<DumpObject.TableData> tables) throws SQLException {
        Long[] oids = tables.stream().map(DumpObject.TableData::oid).toArray(Long[]::new);
        Map<Long, Heap> heaps = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT c.oid, pg_catalog.pg_relation_size(c.oid) / current_setting('block_size')::bigint, pg_catalog.pg_relation_size(c.oid)
                FROM pg_catalog.pg_class c JOIN pg_catalog.pg_am a ON a.oid = c.relam
                WHERE c.oid = ANY (?::pg_catalog.oid[]) AND c.relkind = 'r' AND a.amname = 'heap'""")) {
            Array array = connection.createArrayOf("bigint", oids);
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    heaps.put(rs.getLong(1), new Heap(rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return heaps;
    }
}
