package dev.dbbackup;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point: HTTP (health, metrics) and the quarkus-scheduler thread are switched on only for the long-running
 * schedule command; one-shot commands open no port and start no scheduler.
 */
@QuarkusMain
public final class Main {

    Main() {
    }

    public static void main(String... args) {
        // `docker compose run --rm backup dbbackup backup` passes the program name again after the image's ENTRYPOINT.
        if (args.length > 0 && args[0].equals("dbbackup")) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        boolean helpOnly = java.util.Arrays.stream(args).anyMatch(a -> a.equals("-h") || a.equals("--help") || a.equals("-V")
                || a.equals("--version"));
        if (firstCommand(args).equals("schedule") && !helpOnly) {
            System.setProperty("quarkus.http.host-enabled", "true");
            System.setProperty("quarkus.scheduler.start-mode", "forced");
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
