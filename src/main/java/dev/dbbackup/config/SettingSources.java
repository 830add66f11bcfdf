package dev.dbbackup.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Looks a setting up by its environment name with the documented precedence: command-line flag,
 * then environment, then config file. Every setting may also come from {@code NAME_FILE}
 * (Docker secrets): the file's content, without the trailing newline.
 */
public final class SettingSources {

    private final Map<String, String> flags;
    private final Map<String, String> environment;
    private final Map<String, String> configFile;

    public SettingSources(Map<String, String> flags, Map<String, String> environment, Map<String, String> configFile) {
        this.flags = flags;
        this.environment = environment;
        this.configFile = configFile;
    }

    /** Sources with the process environment and the config file named by --config or DBBACKUP_CONFIG. */
    public static SettingSources load(Map<String, String> flags, Path configFlag) {
        Map<String, String> env = System.getenv();
        Path configPath = configFlag;
        if (configPath == null && env.get("DBBACKUP_CONFIG") != null && !env.get("DBBACKUP_CONFIG").isBlank()) {
            configPath = Path.of(env.get("DBBACKUP_CONFIG"));
        }
        Map<String, String> file = configPath == null ? Map.of() : readConfigFile(configPath);
        return new SettingSources(flags, env, file);
    }

    /** Reads KEY=VALUE lines (dotenv style): '#' comments, blank lines, optional quotes around the value. */
    static Map<String, String> readConfigFile(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new ConfigException("config file " + path + " (--config / DBBACKUP_CONFIG) does not exist",
                    "create it with KEY=VALUE lines, or drop the setting");
        }
        Map<String, String> values = new LinkedHashMap<>();
        try {
            int lineNo = 0;
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                lineNo++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                if (trimmed.startsWith("export ")) {
                    trimmed = trimmed.substring(7).strip();
                }
                int eq = trimmed.indexOf('=');
                if (eq <= 0) {
                    throw new ConfigException("config file " + path + " line " + lineNo + " is not KEY=VALUE",
                            "write settings as e.g. BACKUP_DIR=/backups");
                }
                String key = trimmed.substring(0, eq).strip();
                if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new ConfigException("config file " + path + " line " + lineNo + ": '" + key + "' is not a setting name",
                            "write settings as e.g. BACKUP_DIR=/backups");
                }
                values.put(key, configValue(trimmed.substring(eq + 1).strip(), path, lineNo, key));
            }
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + path + ": " + e.getMessage(), "check its permissions");
        }
        return values;
    }

    /**
     * A config file value: bare, or wholly inside one pair of '…' or "…" (taken literally). A quote that opens and is never
     * closed is refused with the line: read loosely it would become part of a passphrase.
     * The message never shows the value, which may be a secret.
     */
    private static String configValue(String value, Path path, int lineNo, String key) {
        if (value.isEmpty()) {
            return value;
        }
        char first = value.charAt(0);
        if (first != '"' && first != '\'') {
            return value; // bare: taken as written, quotes inside or at the end included (e.g. a command's arguments)
        }
        if (value.length() >= 2 && value.charAt(value.length() - 1) == first) {
            return value.substring(1, value.length() - 1);
        }
        throw new ConfigException("config file " + path + " line " + lineNo + ": the value of " + key + " opens a " + first
                + " quote that is not closed at the end of the line", "put the whole value in one pair of quotes, e.g. " + key
                + "='value', or drop the quote");
    }

    /**
     * These sources with {@code values} (setting name → value) winning over every layer; a {@code NAME_FILE} key
     * is read as the secret for NAME. Used for the targets of the scheduler, whose own keys beat flags and environment.
     */
    public SettingSources overriddenBy(Map<String, String> values) {
        Map<String, String> merged = new java.util.HashMap<>(flags);
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String name = entry.getKey();
            if (name.endsWith("_FILE")) {
                String setting = name.substring(0, name.length() - "_FILE".length());
                if (values.containsKey(setting)) {
                    throw new ConfigException(setting + " and " + name + " are both set", "set only one of them");
                }
                merged.put(setting, readSecretFile(name, Path.of(entry.getValue())));
            } else {
                merged.put(name, entry.getValue());
            }
        }
        return new SettingSources(merged, environment, configFile);
    }

    /** The value of a setting, or empty when no source sets it. */
    public Optional<String> get(String name) {
        Optional<String> value = lookUp(name);
        if (Secrets.isSecretSetting(name)) {
            value.ifPresent(Secrets::register);
        }
        return value;
    }

    private Optional<String> lookUp(String name) {
        String flag = flags.get(name);
        if (flag != null) {
            return Optional.of(flag);
        }
        Optional<String> fromEnv = fromLayer(name, environment, "environment");
        if (fromEnv.isPresent()) {
            return fromEnv;
        }
        return fromLayer(name, configFile, "config file");
    }

    private static Optional<String> fromLayer(String name, Map<String, String> layer, String layerName) {
        String direct = emptyToNull(layer.get(name));
        String file = emptyToNull(layer.get(name + "_FILE"));
        if (direct != null && file != null) {
            throw new ConfigException(name + " and " + name + "_FILE are both set in the " + layerName,
                    "set only one of them");
        }
        if (direct != null) {
            return Optional.of(direct);
        }
        if (file != null) {
            return Optional.of(readSecretFile(name + "_FILE", Path.of(file)));
        }
        return Optional.empty();
    }

    private static String readSecretFile(String setting, Path path) {
        try {
            String content = Files.readString(path, StandardCharsets.UTF_8).replaceFirst("\\R+\\z", "");
            // A secret file given to the wrong setting must not be printed by that setting's error: whatever a file holds is secret.
            Secrets.register(content);
            return content;
        } catch (IOException e) {
            throw new ConfigException(setting + " names " + path + ", which cannot be read (" + e.getClass().getSimpleName() + ")",
                    "mount the secret file there or fix " + setting);
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
