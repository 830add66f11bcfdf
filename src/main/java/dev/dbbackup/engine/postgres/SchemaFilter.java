package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.EngineException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * --schema, --exclude-schema and --exclude-table-data. Patterns match names exactly, with {@code *} and
 * {@code ?} as wildcards; a table-data pattern without a dot matches the table in any schema.
 */
final class SchemaFilter {

    private final List<String> includeSchemas;
    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private final List<Pattern> excludeData;

    SchemaFilter(DumpOptions options) {
        includeSchemas = options.schemas() == null ? List.of() : options.schemas();
        include = compile(includeSchemas);
        exclude = compile(options.excludeSchemas());
        excludeData = compile(options.excludeTableData());
    }

    /** True when no --schema was given: database-wide objects (large objects, event triggers...) are dumped too. */
    boolean wholeDatabase() {
        return include.isEmpty();
    }

    boolean includesSchema(String schema) {
        if (!include.isEmpty() && include.stream().noneMatch(p -> p.matcher(schema).matches())) {
            return false;
        }
        return exclude.stream().noneMatch(p -> p.matcher(schema).matches());
    }

    boolean excludesData(String schema, String table) {
        String qualified = schema + "." + table;
        return excludeData.stream().anyMatch(p -> p.matcher(qualified).matches() || p.matcher(table).matches());
    }

    /** A --schema that matches nothing is a typo, not an empty backup. */
    void checkSchemasFound(Collection<String> found) throws EngineException {
        for (int i = 0; i < include.size(); i++) {
            Pattern p = include.get(i);
            if (found.stream().noneMatch(s -> p.matcher(s).matches())) {
                throw new EngineException("--schema " + includeSchemas.get(i) + " matches no schema in the database; "
                        + "check the name (schema names are case-sensitive)");
            }
        }
    }

    private static List<Pattern> compile(List<String> patterns) {
        List<Pattern> out = new ArrayList<>();
        if (patterns == null) {
            return out;
        }
        for (String p : patterns) {
            if (p == null || p.isBlank()) {
                continue;
            }
            StringBuilder regex = new StringBuilder();
            for (char c : p.strip().toCharArray()) {
                switch (c) {
                    case '*' -> regex.append(".*");
                    case '?' -> regex.append('.');
                    default -> regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            out.add(Pattern.compile(regex.toString()));
        }
        return out;
    }
}
