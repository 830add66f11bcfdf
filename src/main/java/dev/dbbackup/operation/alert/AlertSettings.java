package dev.dbbackup.operation.alert;

import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.SettingSources;
import dev.dbbackup.config.SettingsResolver;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where alerts go, read from the same sources as every setting (flags > environment > config file, and
 * NAME_FILE for secrets). With no channel configured, alerts are off.
 */
public record AlertSettings(Set<AlertEvent.Kind> on, Optional<Webhook> webhook, Optional<Command> command, Optional<Smtp> smtp) {

    public static final String ON = "BACKUP_ALERT_ON";
    public static final String WEBHOOK_URL = "BACKUP_ALERT_WEBHOOK_URL";
    public static final String WEBHOOK_FORMAT = "BACKUP_ALERT_WEBHOOK_FORMAT";
    public static final String WEBHOOK_TIMEOUT = "BACKUP_ALERT_WEBHOOK_TIMEOUT";
    public static final String WEBHOOK_RETRIES = "BACKUP_ALERT_WEBHOOK_RETRIES";
    public static final String COMMAND = "BACKUP_ALERT_COMMAND";
    public static final String COMMAND_TIMEOUT = "BACKUP_ALERT_COMMAND_TIMEOUT";
    public static final String SMTP_HOST = "BACKUP_ALERT_SMTP_HOST";
    public static final String SMTP_PORT = "BACKUP_ALERT_SMTP_PORT";
    public static final String SMTP_TLS = "BACKUP_ALERT_SMTP_TLS";
    public static final String SMTP_USER = "BACKUP_ALERT_SMTP_USER";
    public static final String SMTP_PASSWORD = "BACKUP_ALERT_SMTP_PASSWORD";
    public static final String SMTP_TIMEOUT = "BACKUP_ALERT_SMTP_TIMEOUT";
    public static final String EMAIL_FROM = "BACKUP_ALERT_EMAIL_FROM";
    public static final String EMAIL_TO = "BACKUP_ALERT_EMAIL_TO";

    /** JSON: our own event object; SLACK: {"text": …}; DISCORD: {"content": …}. */
    public enum WebhookFormat { JSON, SLACK, DISCORD }

    /** STARTTLS: upgrade a plain connection (port 587); TLS: TLS from the first byte (port 465); NONE: plain (port 25). */
    public enum TlsMode { STARTTLS, TLS, NONE }

    public record Webhook(URI url, WebhookFormat format, Duration timeout, int retries) {
        /** The URL without its path and query, which often hold the webhook's secret token. */
        public String describe() {
            return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + "/…";
        }
    }

    public record Command(String line, Duration timeout) {
    }

    public record Smtp(String host, int port, TlsMode tls, Optional<String> user, Optional<String> password, String from,
                       List<String> to, Duration timeout) {
        @Override
        public String toString() {
            return "smtp " + host + ":" + port + " (" + tls.name().toLowerCase(Locale.ROOT) + ")" + user.map(u -> " as " + u).orElse("");
        }
    }

    public static AlertSettings none() {
        return new AlertSettings(EnumSet.noneOf(AlertEvent.Kind.class), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean wants(AlertEvent.Kind kind) {
        return on.contains(kind) && (webhook.isPresent() || command.isPresent() || smtp.isPresent());
    }

    public static AlertSettings resolve(SettingSources sources) {
        return new AlertSettings(on(sources), webhook(sources), command(sources), smtp(sources));
    }

    private static Set<AlertEvent.Kind> on(SettingSources sources) {
        Set<AlertEvent.Kind> kinds = EnumSet.noneOf(AlertEvent.Kind.class);
        for (String word : sources.get(ON).orElse("failure").split(",")) {
            String w = word.strip().toLowerCase(Locale.ROOT);
            if (w.isEmpty() || w.equals("none")) {
                continue;
            }
            if (w.equals("all")) {
                kinds.addAll(EnumSet.allOf(AlertEvent.Kind.class));
                continue;
            }
            AlertEvent.Kind kind = null;
            for (AlertEvent.Kind k : AlertEvent.Kind.values()) {
                if (k.word().equals(w)) {
                    kind = k;
                }
            }
            if (kind == null) {
                throw new ConfigException(ON + " lists '" + word.strip() + "', which is not an alert event",
                        "use a comma list of failure, success, stale (or all, none)");
            }
            kinds.add(kind);
        }
        return kinds;
    }

    private static Optional<Webhook> webhook(SettingSources sources) {
        Optional<String> url = sources.get(WEBHOOK_URL).map(String::strip).filter(s -> !s.isEmpty());
        if (url.isEmpty()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(url.get());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(WEBHOOK_URL + " is not a URL", "use e.g. https://hooks.example.com/services/…");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new ConfigException(WEBHOOK_URL + " must be an http:// or https:// URL", "use e.g. https://hooks.example.com/services/…");
        }
        WebhookFormat format;
        String formatWord = sources.get(WEBHOOK_FORMAT).orElse("json").strip();
        try {
            format = WebhookFormat.valueOf(formatWord.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(WEBHOOK_FORMAT + " '" + formatWord + "' is not known", "use json, slack or discord");
        }
        return Optional.of(new Webhook(uri, format, duration(sources, WEBHOOK_TIMEOUT, "10s"), count(sources, WEBHOOK_RETRIES, 3, 10)));
    }

    private static Optional<Command> command(SettingSources sources) {
        return sources.get(COMMAND).map(String::strip).filter(s -> !s.isEmpty())
                .map(line -> new Command(line, duration(sources, COMMAND_TIMEOUT, "60s")));
    }

    private static Optional<Smtp> smtp(SettingSources sources) {
        Optional<String> host = sources.get(SMTP_HOST).map(String::strip).filter(s -> !s.isEmpty());
        if (host.isEmpty()) {
            return Optional.empty();
        }
        String tlsWord = sources.get(SMTP_TLS).orElse("starttls").strip();
        TlsMode tls;
        try {
            tls = TlsMode.valueOf(tlsWord.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SMTP_TLS + " '" + tlsWord + "' is not known", "use starttls (port 587), tls (port 465) or none (port 25)");
        }
        int defaultPort = switch (tls) {
            case STARTTLS -> 587;
            case TLS -> 465;
            case NONE -> 25;
        };
        int port = count(sources, SMTP_PORT, defaultPort, 65535);
        List<String> to = new ArrayList<>();
        for (String address : sources.get(EMAIL_TO).orElse("").split(",")) {
            if (!address.isBlank()) {
                to.add(address.strip());
            }
        }
        if (to.isEmpty()) {
            throw new ConfigException(SMTP_HOST + " is set but " + EMAIL_TO + " is not", "set " + EMAIL_TO + " to the address(es) to alert");
        }
        Optional<String> user = sources.get(SMTP_USER).filter(s -> !s.isBlank());
        Optional<String> password = sources.get(SMTP_PASSWORD);
        if (user.isPresent() != password.isPresent()) {
            throw new ConfigException("set both " + SMTP_USER + " and " + SMTP_PASSWORD + " (or " + SMTP_PASSWORD + "_FILE), or neither",
                    "the SMTP server needs both to log in");
        }
        String from = sources.get(EMAIL_FROM).map(String::strip).filter(s -> !s.isEmpty()).orElse("dbbackup@" + AlertEvent.localHost());
        return Optional.of(new Smtp(host.get(), port, tls, user, password, from, List.copyOf(to), duration(sources, SMTP_TIMEOUT, "30s")));
    }

    private static Duration duration(SettingSources sources, String name, String defaultValue) {
        return SettingsResolver.duration(name, sources.get(name).orElse(defaultValue));
    }

    private static int count(SettingSources sources, String name, int defaultValue, int max) {
        Optional<String> value = sources.get(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.get().strip());
            if (parsed >= 0 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new ConfigException(name + " must be a whole number from 0 to " + max + ", got '" + value.get() + "'",
                "fix " + name);
    }
}
