package dev.dbbackup.retention;

import dev.dbbackup.catalog.BackupType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One golden case: a header (now, zone, policy or keep-last), then one line per backup, newest first:
 * {@code keep|delete  <id> [invalid]  | reason; reason}. The id is a seed path such as
 * {@code daily/backup_daily_20251103_020000.sql.gz}; its folder gives the type and its name the UTC time.
 */
record GoldenFile(Path path, List<String> header, Instant now, ZoneId zone, RetentionPolicy policy,
                  Integer keepLast, List<RetentionCandidate> backups, List<String> expected) {

    private static final Pattern ID = Pattern.compile("(daily|weekly|monthly)/backup_\\w+?_(\\d{8}_\\d{6})\\.sql\\.gz");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    static GoldenFile read(Path path) {
        List<String> header = new ArrayList<>();
        List<RetentionCandidate> backups = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        Instant now = null;
        ZoneId zone = ZoneOffset.UTC;
        RetentionPolicy policy = null;
        Integer keepLast = null;
        for (String raw : lines(path)) {
            String line = raw.strip();
            String[] words = line.split("\\s+");
            if (words[0].equals("keep") || words[0].equals("delete")) {
                String[] sides = line.split("\\|", 2);
                String[] subject = sides[0].strip().split("\\s+");
                boolean valid = subject.length < 3;
                if (subject.length > 3 || !valid && !subject[2].equals("invalid")) {
                    throw new IllegalArgumentException(path + ": cannot read backup line: " + raw);
                }
                backups.add(candidate(subject[1], valid));
                expected.add(render(words[0].equals("keep"), subject[1], valid,
                        sides.length < 2 ? List.of() : List.of(sides[1].strip().split("\\s*;\\s*"))));
                continue;
            }
            if (!backups.isEmpty()) {
                throw new IllegalArgumentException(path + ": backup lines must come last: " + raw);
            }
            header.add(raw);
            switch (words[0]) {
                case "now" -> now = Instant.parse(words[1]);
                case "zone" -> zone = ZoneId.of(words[1]);
                case "policy" -> policy = new RetentionPolicy(count(words[1], "days"), count(words[2], "weeks"),
                        count(words[3], "months"));
                case "keep-last" -> keepLast = Integer.parseInt(words[1]);
                default -> {
                    if (!line.isEmpty() && !line.startsWith("#")) {
                        throw new IllegalArgumentException(path + ": unknown line: " + raw);
                    }
                }
            }
        }
        return new GoldenFile(path, header, now, zone, policy, keepLast, backups, expected);
    }

    List<RetentionDecision> run(List<RetentionCandidate> input) {
        return keepLast != null ? RetentionPlanner.keepLast(input, keepLast)
                : RetentionPlanner.plan(input, policy, now, zone);
    }

    /** The same format as the file, without alignment, so a comparison ignores spacing. */
    static String render(boolean keep, String id, boolean valid, List<String> reasons) {
        return (keep ? "keep" : "delete") + " " + id + (valid ? "" : " invalid") + " | " + String.join("; ", reasons);
    }

    static String render(RetentionDecision d) {
        return render(d.keep(), d.candidate().id(), d.candidate().valid(), d.reasons());
    }

    /** Rewrites the file with these decisions, aligned; used only to draft a new case, then read by a human. */
    void rewrite(List<RetentionDecision> decisions) {
        int width = decisions.stream().mapToInt(d -> d.candidate().id().length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        header.forEach(h -> out.append(h).append('\n'));
        for (RetentionDecision d : decisions) {
            out.append(String.format("%-6s  %-" + width + "s  %-7s | %s%n", d.keep() ? "keep" : "delete",
                    d.candidate().id(), d.candidate().valid() ? "" : "invalid", String.join("; ", d.reasons())));
        }
        try {
            Files.writeString(path, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RetentionCandidate candidate(String id, boolean valid) {
        Matcher m = ID.matcher(id);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a seed backup path: " + id);
        }
        Instant createdAt = LocalDateTime.parse(m.group(2), STAMP).toInstant(ZoneOffset.UTC);
        return new RetentionCandidate(id, BackupType.fromWord(m.group(1)), createdAt, valid);
    }

    private static int count(String word, String name) {
        if (!word.startsWith(name + "=")) {
            throw new IllegalArgumentException("expected " + name + "=N, got " + word);
        }
        return Integer.parseInt(word.substring(name.length() + 1));
    }

    private static List<String> lines(Path path) {
        try {
            return Files.readAllLines(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
