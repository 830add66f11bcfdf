package dev.dbbackup.operation;

import dev.dbbackup.config.ConfigException;
import dev.dbbackup.engine.DatabaseEngine;
import dev.dbbackup.engine.DatabaseUrl;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/** Picks the engine for a database URL. */
@ApplicationScoped
public class EngineRegistry {

    @Inject
    @All
    List<DatabaseEngine> engines;

    public DatabaseEngine forUrl(DatabaseUrl url) {
        for (DatabaseEngine engine : engines) {
            if (engine.supports(url)) {
                return engine;
            }
        }
        throw new ConfigException("no engine supports the database URL " + url.redacted(),
                "use sqlite:///path.db or postgresql://user@host:5432/db");
    }

    public DatabaseEngine byName(String name) {
        for (DatabaseEngine engine : engines) {
            if (engine.name().equals(name)) {
                return engine;
            }
        }
        throw new DbBackupException(ExitCode.FAILURE, "this build has no '" + name + "' engine", null);
    }
}
