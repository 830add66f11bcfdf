package dev.dbbackup.operation;

import dev.dbbackup.catalog.DatabaseScope;
import dev.dbbackup.config.Settings;
import dev.dbbackup.engine.DatabaseUrl;

/** The database a run is configured for (DATABASE_URL), as the catalog tells databases apart. */
public final class ConfiguredDatabase {

    private ConfiguredDatabase() {
    }

    public static DatabaseScope of(Settings settings) {
        return of(settings.databaseUrl());
    }

    public static DatabaseScope of(DatabaseUrl url) {
        return new DatabaseScope(url.identity(), url.engineName(), url.database());
    }
}
