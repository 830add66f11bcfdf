package dev.dbbackup.schedule;

import dev.dbbackup.operation.DbBackupException;
import dev.dbbackup.operation.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Puts set-up files in place for {@code dbbackup install --write}: files into a folder, or a block into the user's crontab. */
public final class SetupInstaller {

    private SetupInstaller() {
    }

    /** Writes each file into {@code dir}; an existing file with other content is replaced only with {@code force}. */
    public static List<Path> write(List<SetupFiles.SetupFile> files, Path dir, boolean force) {
        List<Path> written = new ArrayList<>();
        try {
            dev.dbbackup.storage.local.PrivateFiles.createDirectories(dir);
            for (SetupFiles.SetupFile file : files) {
                Path target = dir.resolve(file.name());
                if (Files.exists(target) && !force && !Files.readString(target, StandardCharsets.UTF_8).equals(file.content())) {
                    throw new DbBackupException(ExitCode.FAILURE, target + " exists with other content",
                            "compare it with 'dbbackup install' (without --write), then add --force to replace it");
                }
                dev.dbbackup.storage.local.PrivateFiles.replace(target, file.content().getBytes(StandardCharsets.UTF_8));
                written.add(target);
            }
        } catch (IOException e) {
            throw new DbBackupException(ExitCode.FAILURE, "cannot write into " + dir + ": " + e.getMessage(),
                    "run as a user who may write there (e.g. root for /etc/systemd/system), or pick --dir");
        }
        return written;
    }

    /** Replaces (or adds) our block in the current user's crontab, marked so that installing again replaces it. */
    public static void installCrontab(SetupFiles.SetupFile entry, String marker) {
        Run current = run(List.of("crontab", "-l"), null);
        String existing = current.exitCode() == 0 ? current.output() : "";
        String begin = "# BEGIN " + marker;
        String end = "# END " + marker;
        StringBuilder updated = new StringBuilder();
        boolean skipping = false;
        for (String line : existing.split("\n", -1)) {
            if (line.equals(begin)) {
                skipping = true;
            } else if (line.equals(end)) {
                skipping = false;
            } else if (!skipping && !(line.isEmpty() && updated.length() == 0)) {
                updated.append(line).append('\n');
            }
        }
        String text = updated.toString().replaceAll("\n+$", "\n");
        if (text.equals("\n")) {
            text = "";
        }
        text += begin + "\n" + entry.content() + end + "\n";
        Run install = run(List.of("crontab", "-"), text);
        if (install.exitCode() != 0) {
            throw new DbBackupException(ExitCode.FAILURE, "crontab refused the new table: " + install.output().strip(),
                    "print the line with 'dbbackup install cron' and add it with 'crontab -e'");
        }
    }

    private record Run(int exitCode, String output) {
    }

    private static Run run(List<String> command, String input) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (input != null) {
                process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Run(-1, "timed out");
            }
            return new Run(process.exitValue(), output);
        } catch (IOException e) {
            throw new DbBackupException(ExitCode.FAILURE, "cannot run " + command.get(0) + ": " + e.getMessage(),
                    "install cron, or write a file for /etc/cron.d with --dir /etc/cron.d");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, "interrupted");
        }
    }
}
