package dev.dbbackup.schedule;

import dev.dbbackup.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's list of databases: one {@code [name]} section of KEY=VALUE settings per database, e.g.
 * <pre>
 * BACKUP_RETENTION_DAYS=14          # before the first section: for every target
 * [app]
 * DATABASE_URL=postgresql://app@db:5432/app
 * DATABASE_PASSWORD_FILE=/run/secrets/app_password
 * BACKUP_SCHEDULE=0 2 * * *
 * [analytics]
 * DATABASE_URL=sqlite:////data/analytics.db
 * BACKUP_DIR=/backups/analytics
 * </pre>
 */
public record TargetsFile(Path path, Map<String, String> common, List<Section> sections) {

    public record Section(String name, int line, Map<String, String> values) {
    }

    public static TargetsFile read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new ConfigException("targets file " + path + " (--targets / BACKUP_TARGETS_FILE) does not exist",
                    "create it with one [name] section per database, or drop the setting");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read targets file " + path + ": " + e.getMessage(), "check its permissions");
        }
        Map<String, String> common = new LinkedHashMap<>();
        List<Section> sections = new ArrayList<>();
        Map<String, String> current = common;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = stripComment(lines.get(i)).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw error(path, lineNo, "'" + line + "' is not a [name] section header", "write e.g. [app]");
                }
                String name = line.substring(1, line.length() - 1).strip();
                if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
                    throw error(path, lineNo, "target name '" + name + "' may only hold letters, digits, '.', '_' and '-'",
                            "pick a short name such as app or billing-db");
                }
                for (Section section : sections) {
                    if (section.name().equals(name)) {
                        throw error(path, lineNo, "target [" + name + "] is defined twice (first on line " + section.line() + ")",
                                "give each database its own name");
                    }
                }
                current = new LinkedHashMap<>();
                sections.add(new Section(name, lineNo, current));
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw error(path, lineNo, "'" + line + "' is not KEY=VALUE", "write settings as e.g. BACKUP_SCHEDULE=0 2 * * *");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            current.put(key, value);
        }
        if (sections.isEmpty()) {
            throw new ConfigException("targets file " + path + " lists no target", "add a [name] section with DATABASE_URL=… per database");
        }
        return new TargetsFile(path, common, sections);
    }

    /** '#' starts a comment at the start of a line or after whitespace (so URLs with '#' fragments survive). */
    private static String stripComment(String line) {
        String trimmed = line.stripLeading();
        if (trimmed.startsWith("#") || trimmed.startsWith(";")) {
            return "";
        }
        int hash = line.indexOf(" #");
        return hash >= 0 ? line.substring(0, hash) : line;
    }

    private static ConfigException error(Path path, int line, String what, String hint) {
        return new ConfigException("targets file " + path + " line " + line + ": " + what, hint);
    }
}
