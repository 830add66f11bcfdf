package dev.dbbackup.engine.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpProgress;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.pipeline.SpillArea;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.SlowOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A PostgreSQL backup is one point in time while other sessions keep committing, with one connection and with
 * --jobs (snapshot exported by the leader and imported by every worker; from PostgreSQL 14 large tables read as
 * block ranges by several workers, while rows are updated into other blocks and deleted).
 *
 * <p>The database is a small bank. Every writer transaction first bumps the one {@code counters} row (so writers
 * commit one after another and the counters of a snapshot describe exactly the rows of that snapshot), then either
 * moves money between two accounts and records the transfer, settles (deletes) a recorded transfer into
 * {@code settlements}, or amends a transfer (an indexed column and a wider row: it moves to another block).
 * In every committed state: the balances sum to a constant, every account's balance is its settled amount plus
 * its recorded transfers, its settled amount is the start amount plus its settlements, every transfer number
 * 1..counters.transfers is in exactly one of transfers and settlements, and the amendments and account updates add up
 * to their counters. A backup that mixes two moments breaks one of these; a row read twice or lost breaks them too.
 * The test also checks that it is not vacuous: writers committed while the tables were read, updated rows went to
 * earlier and to later blocks and rows were deleted during the dump, and --jobs really read block ranges on several
 * connections (seen in pg_stat_activity).
 */
class PostgresDumpConsistencyIT {

    private static final int ACCOUNTS = 20_000;
    private static final long START_BALANCE = 1000;
    private static final int PREFILLED_TRANSFERS = 40_000;
    /** Small --jobs parts, so that each large table (several MB) is read in many block ranges. */
    private static final long PART_BYTES = 256 * 1024;
    private static final List<String> ACCOUNT_COLUMNS = List.of("id", "balance", "settled", "version", "padding");
    private static final List<String> TRANSFER_COLUMNS = List.of("id", "seq", "from_id", "to_id", "amount", "amended", "note");
    /** What an UPDATE ... FROM (SELECT id, ctid AS old ...) o returns: the new row version's block, compared with the old one's. */
    private static final String BLOCK_MOVE = " RETURNING sign((a.ctid::text::point)[0] - (o.old::text::point)[0])::int";
    private static final Pattern COPY_HEADER = Pattern.compile("^COPY (\\S+) .*FROM stdin;$");

    @TempDir
    Path spillDir;

    static Stream<Arguments> versionsAndJobs() {
        // The oldest server reads every table whole with --jobs; the newest reads large ones in block ranges.
        List<Integer> versions = Stream.of(PostgresServers.oldest(), PostgresServers.newest()).distinct().toList();
        return versions.stream().flatMap(v -> Stream.of(Arguments.of(v, 1), Arguments.of(v, 4)));
    }

    @ParameterizedTest(name = "PostgreSQL {0}, --jobs {1}")
    @MethodSource("versionsAndJobs")
    void aBackupTakenWhileOtherSessionsCommitIsOnePointInTime(int version, int jobs) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        String source = createBank(server);
        List<ParallelTableCopy.Part> plannedParts = plannedParts(server, source);
        long transferRanges = plannedParts.stream().filter(p -> isRange(p.copySql(), "transfers")).count();
        long accountRanges = plannedParts.stream().filter(p -> isRange(p.copySql(), "accounts")).count();
        boolean blockRanges = version * 10000 >= TableParts.FIRST_WITH_TID_RANGE_SCAN;
        if (blockRanges) {
            long transferBytes = relationSize(server, source, "transfers");
            long accountBytes = relationSize(server, source, "accounts");
            assertEquals(Math.round((double) transferBytes / PART_BYTES), transferRanges, "block ranges planned for transfers");
            assertEquals(Math.round((double) accountBytes / PART_BYTES), accountRanges, "block ranges planned for accounts");
            assertTrue(transferRanges >= 8 && accountRanges >= 8, "the large tables span many parts of " + PART_BYTES + " bytes: transfers "
                    + transferBytes + " bytes, accounts " + accountBytes + " bytes");
        } else {
            assertEquals(0, transferRanges + accountRanges, "before PostgreSQL 14 --jobs reads every table whole");
        }

        Bank bank = new Bank(server, source);
        Path file = RoundTrip.dumpFile("consistency-" + version + "-jobs-" + jobs);
        CopyMonitor monitor = new CopyMonitor(server, source);
        DumpResult result;
        long committedBefore;
        long committedAfter;
        long commitsWhileTablesWereRead;
        try {
            bank.start();
            bank.awaitWarmUp();
            committedBefore = bank.committedTransferNumber();
            long[] firstAndLastTableDone = {-1, -1};
            DumpProgress progress = (table, rows) -> {
                if (firstAndLastTableDone[0] < 0) {
                    firstAndLastTableDone[0] = bank.commits.get();
                }
                firstAndLastTableDone[1] = bank.commits.get();
            };
            DumpOptions options = new DumpOptions(List.of(), List.of(), List.of(), false, false, jobs, progress);
            if (jobs > 1) {
                options = options.withReadAhead(SpillArea.create(spillDir));
            }
            monitor.start();
            long started = System.nanoTime();
            bank.dumping = true;
            try (OutputStream out = new SlowOutputStream(Files.newOutputStream(file), 10)) {
                result = RoundTrip.dumpInParts(server, source, options, out, PART_BYTES); // parts matter only with --jobs
            } finally {
                bank.dumping = false;
                monitor.stop();
            }
            commitsWhileTablesWereRead = firstAndLastTableDone[1] - firstAndLastTableDone[0];
            System.out.printf("PostgreSQL %d, --jobs %d: dump %d ms, %d commits between the first and the last table done,"
                    + " %d COPY statements on %d backends; updated rows moved to an earlier block %d, to a later one %d, stayed %d; %d deleted%n",
                    version, jobs, (System.nanoTime() - started) / 1_000_000, commitsWhileTablesWereRead, monitor.copies.size(),
                    new HashSet<>(monitor.copies.values()).size(), bank.movedEarlier.get(), bank.movedLater.get(), bank.stayed.get(), bank.deleted.get());
            bank.awaitCommits(bank.commits.get() + 20);
            committedAfter = bank.committedTransferNumber();
        } finally {
            bank.stop();
        }
        assertEquals(null, bank.failure.get(), "a writer failed, so the test did not run as designed");
        assertTrue(commitsWhileTablesWereRead >= 10, "the writers committed only " + commitsWhileTablesWereRead
                + " transactions between the first and the last table the dump finished: the test would prove nothing");
        assertTrue(bank.movedEarlier.get() > 0 && bank.movedLater.get() > 0 && bank.deleted.get() > 0, "while the dump ran, rows were updated"
                + " into earlier blocks (" + bank.movedEarlier + ") and into later ones (" + bank.movedLater + "), and deleted ("
                + bank.deleted + ")");

        Set<String> copies = monitor.copies.keySet();
        Set<Integer> copyingBackends = new HashSet<>(monitor.copies.values());
        if (jobs > 1) {
            assertTrue(copyingBackends.size() >= 2, "--jobs " + jobs + " copied over several connections: " + monitor.copies);
            if (blockRanges) {
                long transfersRead = copies.stream().filter(q -> isRange(q, "transfers")).count();
                long accountsRead = copies.stream().filter(q -> isRange(q, "accounts")).count();
                assertTrue(transfersRead >= 2 && accountsRead >= 2, "the dump read the large tables in block ranges (seen: "
                        + transfersRead + " of transfers, " + accountsRead + " of accounts)");
            }
        }
        if (jobs == 1 || !blockRanges) {
            assertTrue(copies.stream().noneMatch(q -> q.contains("ctid")), "every table was read whole: " + copies);
        }

        assertEachRowOnce(file);
        String target = server.createDatabase("consistency_restored");
        Map<String, Long> restoredRows = RoundTrip.restore(server, target, file, RestoreOptions.defaults());
        assertEquals(result.tableRows(), restoredRows, "rows restored per table, as the dump counted them");
        long snapshotTransfers = assertOnePointInTime(server, target);
        assertTrue(snapshotTransfers >= committedBefore, "the backup holds " + snapshotTransfers + " transfers, but "
                + committedBefore + " were committed before it began: it is older than the backup");
        assertTrue(snapshotTransfers < committedAfter, "the writers went on after the backup's snapshot (" + snapshotTransfers
                + " transfers in the backup, " + committedAfter + " committed after it)");
        server.dropDatabase(target);
        server.dropDatabase(source);
        Files.deleteIfExists(file);
    }

    /** True when {@code copy} is a COPY of a block range of {@code table}. */
    private static boolean isRange(String copy, String table) {
        return copy.contains(" public." + table + " ") && copy.contains("ctid");
    }

    /** A bank of {@value #ACCOUNTS} accounts and a ledger of transfers, ~5 MB and ~9 MB of heap, with holes from settlements. */
    private static String createBank(PostgresServer server) {
        String db = server.createDatabase("consistency");
        server.execute(db,
                "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL, settled bigint NOT NULL,"
                        + " version bigint NOT NULL, padding text NOT NULL)",
                // Every update changes an indexed column: never a HOT update, the new version goes wherever there is room.
                "CREATE INDEX accounts_version ON accounts (version)",
                "CREATE TABLE transfers (id bigserial PRIMARY KEY, seq bigint NOT NULL UNIQUE, from_id int NOT NULL,"
                        + " to_id int NOT NULL, amount bigint NOT NULL, amended int NOT NULL DEFAULT 0, note text NOT NULL)",
                "CREATE INDEX transfers_amended ON transfers (amended)",
                "CREATE TABLE settlements (seq bigint PRIMARY KEY, from_id int NOT NULL, to_id int NOT NULL,"
                        + " amount bigint NOT NULL, amended int NOT NULL)",
                "CREATE TABLE counters (id int PRIMARY KEY, transfers bigint NOT NULL, settlements bigint NOT NULL,"
                        + " amendments bigint NOT NULL, account_updates bigint NOT NULL)",
                "SELECT setseed(0.25)",
                "INSERT INTO transfers (seq, from_id, to_id, amount, note)"
                        + " SELECT g, f, CASE WHEN t = f THEN f % " + ACCOUNTS + " + 1 ELSE t END, a, rpad('transfer ' || g || ' ', 150, '0123456789')"
                        + " FROM (SELECT g, 1 + floor(random() * " + ACCOUNTS + ")::int f, 1 + floor(random() * " + ACCOUNTS + ")::int t,"
                        + " 1 + floor(random() * 100)::bigint a FROM generate_series(1, " + PREFILLED_TRANSFERS + ") g) x",
                "WITH settled AS (DELETE FROM transfers WHERE seq % 10 = 0 RETURNING seq, from_id, to_id, amount, amended)"
                        + " INSERT INTO settlements SELECT * FROM settled",
                "INSERT INTO accounts (id, balance, settled, version, padding)"
                        + " SELECT g, " + START_BALANCE + " + coalesce(t.net, 0) + coalesce(s.net, 0), " + START_BALANCE + " + coalesce(s.net, 0), 0,"
                        + " rpad('account ' || g || ' ', 200, 'abcdefghij')"
                        + " FROM generate_series(1, " + ACCOUNTS + ") g"
                        + " LEFT JOIN (" + netPerAccount("transfers") + ") t ON t.id = g"
                        + " LEFT JOIN (" + netPerAccount("settlements") + ") s ON s.id = g",
                "INSERT INTO counters SELECT 1, " + PREFILLED_TRANSFERS + ", count(*), 0, 0 FROM settlements",
                "VACUUM ANALYZE");
        return db;
    }

    /** Per account id, what {@code table}'s rows added to its balance. */
    private static String netPerAccount(String table) {
        return "SELECT id, sum(x) AS net FROM (SELECT to_id AS id, amount AS x FROM " + table
                + " UNION ALL SELECT from_id, -amount FROM " + table + ") u GROUP BY id";
    }

    private static long relationSize(PostgresServer server, String db, String table) throws SQLException {
        return queryLong(server, db, "SELECT pg_relation_size('public." + table + "')");
    }

    /** How --jobs would read the bank's tables with {@link #PART_BYTES} parts. */
    private static List<ParallelTableCopy.Part> plannedParts(PostgresServer server, String db) throws SQLException {
        try (Connection c = server.connect(db)) {
            List<DumpObject.TableData> tables = List.of(
                    new DumpObject.TableData(oid(c, "accounts"), "public", "accounts", ACCOUNT_COLUMNS),
                    new DumpObject.TableData(oid(c, "transfers"), "public", "transfers", TRANSFER_COLUMNS));
            return TableParts.plan(c, server.major() * 10000, tables, PART_BYTES);
        }
    }

    private static long oid(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 'public." + table + "'::regclass::oid")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long queryLong(PostgresServer server, String db, String sql) throws SQLException {
        try (Connection c = server.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** No row is in the dump twice: the first column (the primary key) of every COPY block is unique. */
    private static void assertEachRowOnce(Path file) throws IOException {
        Map<String, Integer> tablesSeen = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                Matcher header = COPY_HEADER.matcher(line);
                if (!header.matches()) {
                    continue;
                }
                String table = header.group(1);
                Set<String> keys = new HashSet<>();
                while ((line = in.readLine()) != null && !line.equals("\\.")) {
                    String key = line.substring(0, line.indexOf('\t'));
                    if (!keys.add(key)) {
                        fail("the backup holds the row with primary key " + key + " of table " + table
                                + " twice: a row was read twice (in two parts or in two versions)");
                    }
                }
                tablesSeen.merge(table, 1, Integer::sum);
            }
        }
        assertEquals(4, tablesSeen.size(), "COPY blocks in the backup: " + tablesSeen);
        assertTrue(tablesSeen.values().stream().allMatch(n -> n == 1), "each table's rows are written once: " + tablesSeen);
    }

    /** Checks the invariants of a committed state in the restored bank; returns its transfer count. */
    private static long assertOnePointInTime(PostgresServer server, String db) throws SQLException {
        String notOnePoint = "the backup is not one point in time: ";
        try (Connection c = server.connect(db); Statement s = c.createStatement()) {
            long[] counters = row(s, "SELECT transfers, settlements, amendments, account_updates FROM counters");
            long transfers = counters[0];
            long[] accounts = row(s, "SELECT count(*), coalesce(sum(balance), 0), coalesce(sum(settled), 0), coalesce(sum(version), 0) FROM accounts");
            assertEquals(ACCOUNTS, accounts[0], "the backup has " + accounts[0] + " accounts, expected " + ACCOUNTS + " (rows lost or read twice)");
            assertEquals(ACCOUNTS * START_BALANCE, accounts[1], notOnePoint + "sum of balances " + accounts[1] + ", expected " + ACCOUNTS * START_BALANCE);
            assertEquals(ACCOUNTS * START_BALANCE, accounts[2], notOnePoint + "sum of settled amounts " + accounts[2] + ", expected "
                    + ACCOUNTS * START_BALANCE);
            assertEquals(counters[3], accounts[3], notOnePoint + "the accounts were updated " + accounts[3]
                    + " times, but its counters row says " + counters[3]);

            List<String> wrongAccounts = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT a.id, a.balance, a.settled, coalesce(t.net, 0), coalesce(st.net, 0) FROM accounts a"
                    + " LEFT JOIN (" + netPerAccount("transfers") + ") t ON t.id = a.id"
                    + " LEFT JOIN (" + netPerAccount("settlements") + ") st ON st.id = a.id"
                    + " WHERE a.balance <> a.settled + coalesce(t.net, 0) OR a.settled <> " + START_BALANCE + " + coalesce(st.net, 0)"
                    + " ORDER BY a.id")) {
                while (rs.next()) {
                    wrongAccounts.add("account " + rs.getLong(1) + ": balance " + rs.getLong(2) + ", settled " + rs.getLong(3)
                            + ", transfers " + rs.getLong(4) + ", settlements " + rs.getLong(5));
                }
            }
            assertEquals(List.of(), wrongAccounts.subList(0, Math.min(5, wrongAccounts.size())), notOnePoint + wrongAccounts.size()
                    + " accounts do not match the transfers and settlements in the backup");

            long[] ledger = row(s, "SELECT count(*), coalesce(sum(amended), 0) FROM transfers");
            long[] settled = row(s, "SELECT count(*), coalesce(sum(amended), 0) FROM settlements");
            assertEquals(counters[1], settled[0], notOnePoint + settled[0] + " settlements, but the counters row says " + counters[1]);
            assertEquals(List.of(), numbers(s, "SELECT seq FROM transfers WHERE seq > " + transfers
                    + " UNION ALL SELECT seq FROM settlements WHERE seq > " + transfers + " ORDER BY 1 LIMIT 5"),
                    notOnePoint + "it holds transfers numbered after the last one its counters row records (" + transfers + ")");
            assertEquals(List.of(), numbers(s, "SELECT seq FROM transfers JOIN settlements USING (seq) ORDER BY 1 LIMIT 5"),
                    notOnePoint + "transfers both recorded and settled");
            assertEquals(List.of(), numbers(s, "SELECT g FROM generate_series(1, " + transfers + ") g"
                    + " WHERE NOT EXISTS (SELECT FROM transfers WHERE seq = g) AND NOT EXISTS (SELECT FROM settlements WHERE seq = g)"
                    + " ORDER BY 1 LIMIT 5"), notOnePoint + "transfers numbered 1.." + transfers + " missing from both the ledger and the settlements");
            assertEquals(transfers, ledger[0] + settled[0], notOnePoint + ledger[0] + " transfers and " + settled[0]
                    + " settlements, but the counters row says " + transfers + " transfers were made");
            assertEquals(counters[2], ledger[1] + settled[1], notOnePoint + "the transfers were amended " + (ledger[1] + settled[1])
                    + " times, but the counters row says " + counters[2]);

            long lastId = row(s, "SELECT coalesce(max(id), 0) FROM transfers")[0];
            long sequence = row(s, "SELECT last_value FROM public.transfers_id_seq")[0];
            assertTrue(sequence >= lastId, "after the restore the next transfer would reuse id " + sequence + " (highest id " + lastId + ")");
            return transfers;
        }
    }

    private static long[] row(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), "one row from " + sql);
            long[] values = new long[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = rs.getLong(i + 1);
            }
            return values;
        }
    }

    private static List<Long> numbers(Statement s, String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /**
     * Two writers that commit bank transactions one after another (each first updates the counters row) and a
     * vacuum that keeps putting freed space back in the free space map, so moved rows land in earlier blocks too.
     */
    private static final class Bank {
        private final PostgresServer server;
        private final String db;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong highestId = new AtomicLong(PREFILLED_TRANSFERS);
        final AtomicLong commits = new AtomicLong();
        /** Set while the dump runs. */
        volatile boolean dumping;
        final AtomicLong movedEarlier = new AtomicLong();
        final AtomicLong movedLater = new AtomicLong();
        final AtomicLong stayed = new AtomicLong();
        final AtomicLong deleted = new AtomicLong();
        private final AtomicLong vacuums = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final List<Thread> threads = new ArrayList<>();

        Bank(PostgresServer server, String db) {
            this.server = server;
            this.db = db;
        }

        void start() {
            for (int w = 0; w < 2; w++) {
                long seed = 7 + w;
                threads.add(new Thread(() -> guarded(() -> write(new Random(seed))), "bank-writer-" + w));
            }
            threads.add(new Thread(() -> guarded(this::vacuum), "bank-vacuum"));
            threads.forEach(Thread::start);
        }

        /** Until the writers have made dead rows and a vacuum has freed their space. */
        void awaitWarmUp() throws InterruptedException {
            awaitCommits(500);
            long vacuumed = vacuums.get();
            while (vacuums.get() < vacuumed + 2 && failure.get() == null) {
                Thread.sleep(10);
            }
        }

        void awaitCommits(long count) throws InterruptedException {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (commits.get() < count && failure.get() == null) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the writers committed " + commits.get() + " transactions in a minute, expected " + count);
                }
                Thread.sleep(5);
            }
        }

        long committedTransferNumber() throws SQLException {
            return queryLong(server, db, "SELECT transfers FROM counters");
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }

        private interface Work {
            void run() throws Exception;
        }

        private void guarded(Work work) {
            try {
                work.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                stop.set(true);
            }
        }

        private void vacuum() throws Exception {
            try (Connection c = server.connect(db); Statement s = c.createStatement()) {
                while (!stop.get()) {
                    s.execute("VACUUM (TRUNCATE false) accounts, transfers");
                    vacuums.incrementAndGet();
                    Thread.sleep(200);
                }
            }
        }

        private void write(Random random) throws Exception {
            try (Connection c = server.connect(db);
                 PreparedStatement nextTransfer = c.prepareStatement("UPDATE counters SET transfers = transfers + 1,"
                         + " account_updates = account_updates + 2 WHERE id = 1 RETURNING transfers");
                 PreparedStatement nextSettlement = c.prepareStatement("UPDATE counters SET settlements = settlements + 1,"
                         + " account_updates = account_updates + 2 WHERE id = 1");
                 PreparedStatement nextAmendment = c.prepareStatement("UPDATE counters SET amendments = amendments + 1 WHERE id = 1");
                 PreparedStatement balance = c.prepareStatement("UPDATE accounts a SET balance = a.balance + ?, version = a.version + 1"
                         + " FROM (SELECT id, ctid AS old FROM accounts WHERE id = ?) o WHERE a.id = o.id" + BLOCK_MOVE);
                 PreparedStatement settle = c.prepareStatement("UPDATE accounts a SET settled = a.settled + ?, version = a.version + 1"
                         + " FROM (SELECT id, ctid AS old FROM accounts WHERE id = ?) o WHERE a.id = o.id" + BLOCK_MOVE);
                 PreparedStatement record = c.prepareStatement("INSERT INTO transfers (seq, from_id, to_id, amount, note)"
                         + " VALUES (?, ?, ?, ?, ?) RETURNING id");
                 PreparedStatement remove = c.prepareStatement("DELETE FROM transfers WHERE id ="
                         + " (SELECT id FROM transfers WHERE id >= ? ORDER BY id LIMIT 1) RETURNING seq, from_id, to_id, amount, amended");
                 PreparedStatement keep = c.prepareStatement("INSERT INTO settlements VALUES (?, ?, ?, ?, ?)");
                 PreparedStatement amend = c.prepareStatement("UPDATE transfers a SET amended = a.amended + 1, note = a.note || ?"
                         + " FROM (SELECT id, ctid AS old FROM transfers WHERE id >= ? ORDER BY id LIMIT 1) o WHERE a.id = o.id"
                         + BLOCK_MOVE)) {
                c.setAutoCommit(false);
                while (!stop.get()) {
                    int kind = random.nextInt(10);
                    if (kind < 6) {
                        long seq = single(nextTransfer);
                        int from = 1 + random.nextInt(ACCOUNTS);
                        int to = 1 + (from + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                        long amount = 1 + random.nextInt(100);
                        move(balance, from, -amount);
                        move(balance, to, amount);
                        record.setLong(1, seq);
                        record.setInt(2, from);
                        record.setInt(3, to);
                        record.setLong(4, amount);
                        record.setString(5, "transfer " + seq + " " + "x".repeat(100 + random.nextInt(100)));
                        highestId.accumulateAndGet(single(record), Math::max);
                    } else if (kind < 8) {
                        nextSettlement.executeUpdate();
                        remove.setLong(1, 1 + (long) (random.nextDouble() * highestId.get()));
                        try (ResultSet rs = remove.executeQuery()) {
                            if (!rs.next()) {
                                c.rollback();
                                continue;
                            }
                            for (int i = 1; i <= 5; i++) {
                                keep.setLong(i, rs.getLong(i));
                            }
                            move(settle, rs.getInt(2), -rs.getLong(4));
                            move(settle, rs.getInt(3), rs.getLong(4));
                        }
                        keep.executeUpdate();
                        if (dumping) {
                            deleted.incrementAndGet();
                        }
                    } else {
                        nextAmendment.executeUpdate();
                        amend.setString(1, " amended " + "y".repeat(60 + random.nextInt(60)));
                        amend.setLong(2, 1 + (long) (random.nextDouble() * highestId.get()));
                        try (ResultSet rs = amend.executeQuery()) {
                            if (!rs.next()) {
                                c.rollback();
                                continue;
                            }
                            moved(rs.getInt(1));
                        }
                    }
                    c.commit();
                    commits.incrementAndGet();
                }
            }
        }

        private void move(PreparedStatement update, int account, long amount) throws SQLException {
            update.setLong(1, amount);
            update.setInt(2, account);
            try (ResultSet rs = update.executeQuery()) {
                assertTrue(rs.next(), "account " + account + " updated");
                moved(rs.getInt(1));
            }
        }

        /** Counts, while a dump runs, the row versions that went to an earlier (-1) or a later (1) block than the one before. */
        private void moved(int direction) {
            if (dumping) {
                (direction < 0 ? movedEarlier : direction > 0 ? movedLater : stayed).incrementAndGet();
            }
        }

        private static long single(PreparedStatement statement) throws SQLException {
            try (ResultSet rs = statement.executeQuery()) {
                assertTrue(rs.next());
                return rs.getLong(1);
            }
        }
    }

    /** Polls pg_stat_activity for the COPY statements the dump runs and the backends that run them. */
    private static final class CopyMonitor {
        private final PostgresServer server;
        private final String db;
        /** COPY statement → the backend seen running it. */
        final Map<String, Integer> copies = new ConcurrentHashMap<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private Thread thread;

        CopyMonitor(PostgresServer server, String db) {
            this.server = server;
            this.db = db;
        }

        void start() {
            thread = new Thread(() -> {
                try (Connection c = server.connect(db);
                     PreparedStatement ps = c.prepareStatement("SELECT pid, query FROM pg_catalog.pg_stat_activity"
                             + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'COPY %TO STDOUT'")) {
                    while (!stop.get()) {
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                copies.putIfAbsent(rs.getString(2), rs.getInt(1));
                            }
                        }
                        Thread.sleep(5);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "copy-monitor");
            thread.start();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
            assertEquals(null, failure.get(), "watching the dump's COPY statements failed");
        }
    }
}
