package dev.dbbackup.config;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secret values this run knows (the database password, passphrases, keys, tokens, and anything read from a
 * {@code *_FILE}), so that every text leaving the process (errors, hints, log lines, alerts) has them replaced by
 * {@code ***} by value, whatever characters they hold, rather than by guessing where a URL's password ends.
 */
public final class Secrets {

    /** Shorter values are not scrubbed: replacing every "on" or "7" would garble messages and hides nothing. */
    static final int MIN_LENGTH = 4;

    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

    private Secrets() {
    }

    /** Remembers a secret value (and its percent-encoded spelling, as it may stand in a URL). */
    public static void register(String value) {
        if (value == null || value.strip().length() < MIN_LENGTH) {
            return;
        }
        KNOWN.add(value);
        KNOWN.add(value.strip());
        KNOWN.add(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
        KNOWN.add(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
    }

    /** Whether a setting by this name holds a secret whatever source it comes from. */
    public static boolean isSecretSetting(String name) {
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        return upper.contains("PASSWORD") || upper.contains("PASSPHRASE") || upper.contains("SECRET") || upper.contains("TOKEN")
                || upper.equals("BACKUP_ALERT_WEBHOOK_URL"); // a chat webhook's URL is its token
    }

    /** {@code text} with every known secret replaced by ***; longest first, so a secret inside another goes too. */
    public static String scrub(String text) {
        if (text == null || KNOWN.isEmpty()) {
            return text;
        }
        List<String> values = KNOWN.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        String result = text;
        for (String value : values) {
            if (value.length() >= MIN_LENGTH) {
                result = result.replace(value, "***");
            }
        }
        return result;
    }
}
