package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.config.Settings;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Is there a good backup younger than the limit (the seed's 26-hour rule)? */
@ApplicationScoped
public class HealthOperation {

    public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(26);

    /** File names have whole seconds and hosts drift a little: only a backup this far ahead of the clock is suspect. */
    private static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(5);

    /**
     * @param status "UP", or "DOWN" when the newest good backup is older than {@code maxAgeSeconds} or there is none
     */
    @RegisterForReflection
    public record Health(String status, String reason, String newestGoodBackup, String newestGoodAt, Long ageSeconds,
                         long maxAgeSeconds, int backups) {

        public boolean healthy() {
            return "UP".equals(status);
        }
    }

    public Health check(Settings settings, Duration maxAge) {
        BackupCatalog catalog = OffsiteStores.primary(settings);
        Instant now = settings.clock().instant();
        try {
            List<CatalogEntry> entries = catalog.entriesOf(ConfiguredDatabase.of(settings));
            int count = entries.size();
            Optional<CatalogEntry> future = entries.stream().filter(e -> e.createdAt().isAfter(now.plus(CLOCK_TOLERANCE))).findFirst();
            if (future.isPresent()) {
                long age = Duration.between(future.get().createdAt(), now).toSeconds();
                return new Health("DOWN", "backup " + future.get().key() + " is dated " + hours(-age) + " in the future (age " + hours(age)
                        + "): the clock jumped, now or when it was written; check the clock (timedatectl) and the backups ('dbbackup list')",
                        catalog.store().locate(future.get().key()), future.get().createdAt().toString(), age, maxAge.toSeconds(), count);
            }
            Optional<CatalogEntry> newest = BackupCatalog.latestGood(entries, now);
            if (newest.isEmpty()) {
                return new Health("DOWN", "no good backup in " + catalog.store().describe() + " for " + settings.databaseUrl().redacted(),
                        null, null, null, maxAge.toSeconds(), count);
            }
            CatalogEntry entry = newest.get();
            long age = Duration.between(entry.createdAt(), now).toSeconds();
            boolean fresh = age <= maxAge.toSeconds();
            String reason = fresh ? "newest good backup is " + hours(age) + " old"
                    : "newest good backup is " + hours(age) + " old, over the limit of " + hours(maxAge.toSeconds());
            return new Health(fresh ? "UP" : "DOWN", reason, catalog.store().locate(entry.key()), entry.createdAt().toString(), age,
                    maxAge.toSeconds(), count);
        } catch (IOException e) {
            return new Health("DOWN", "cannot read " + catalog.store().describe() + ": " + e.getMessage(), null, null, null,
                    maxAge.toSeconds(), 0);
        }
    }

    private static String hours(long seconds) {
        return String.format(java.util.Locale.ROOT, "%.1f h", seconds / 3600.0);
    }
}
