package dev.dbbackup;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point: HTTP (health, metrics) is switched on only for the long-running schedule command. */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        if (firstCommand(args).equals("schedule")) {
            System.setProperty("quarkus.http.host-enabled", "true");
        }
        Quarkus.run(DbBackupApplication.class, args);
    }

    private static String firstCommand(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return "";
    }
}
