package dev.dbbackup.cli;

import dev.dbbackup.catalog.ManifestCodec;
import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.Settings;
import dev.dbbackup.operation.ExitCode;
import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.operation.TestRestoreOperation;
import dev.dbbackup.operation.VerifyOperation;
import dev.dbbackup.operation.alert.AlertEvent;
import dev.dbbackup.operation.alert.AlertSettings;
import dev.dbbackup.operation.alert.Alerts;
import dev.dbbackup.metrics.MetricsExport;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check backups without restoring: size and SHA-256 against the manifest, full decompression,"
                + " and the end-of-dump marker. Exit code 0 when all pass, 3 when any fails.",
                "An encrypted backup (.gpg) is checked against its manifest without the key; with the key"
                        + " (BACKUP_ENCRYPTION_PASSPHRASE_FILE, or --decryption-key) it is also decrypted and its SQL checked."},
        footer = {"", "Examples:", "  dbbackup verify latest", "  dbbackup verify backups/daily/backup_daily_20251103_020000.sql.gz",
                "  dbbackup verify --all --format json",
                "  dbbackup verify --restore latest          # test-restore into a scratch target"})
public class VerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    DecryptOptions decryption;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE|latest", description = "A backup file, or 'latest' (default).")
    String backup;

    @Option(names = "--all", description = "Verify every backup in BACKUP_DIR.")
    boolean all;

    @Mixin
    OutputFormat format;

    @Option(names = "--restore", description = "Also restore it into a scratch target (temporary file or database),"
            + " compare row counts with the manifest, drop the scratch target, and record the result.")
    boolean restore;

    @Option(names = "--scratch-url", paramLabel = "URL",
            description = "PostgreSQL server for the scratch database of --restore (default: the server of DATABASE_URL).")
    String scratchUrl;

    @Mixin
    MetricsOptions metrics;

    @Inject
    VerifyOperation verify;

    @Inject
    TestRestoreOperation testRestore;

    @Inject
    MetricsExport metricsExport;

    @Inject
    Alerts alerts;

    @Override
    public Integer call() {
        format.check();
        if (all && backup != null) {
            throw new ConfigException("verify takes either FILE or --all, not both", "drop one of them");
        }
        Settings settings = common.settings(decryption.flags());
        String target = backup == null ? "latest" : backup;
        List<VerifyOperation.VerificationResult> results;
        if (restore) {
            if (all) {
                throw new ConfigException("verify --restore takes one backup, not --all", "name a FILE or 'latest'");
            }
            results = List.of(testRestore.run(settings, target, Optional.ofNullable(scratchUrl).map(VerifyCommand::parseScratch)));
        } else {
            results = all ? verify.verifyAll(settings) : List.of(verify.verify(settings, target));
        }
        metrics.export(settings, common.sources(), metricsExport);
        AlertSettings alerting = AlertSettings.resolve(common.sources());
        results.stream().filter(r -> !r.passed()).forEach(r -> alerts.send(alerting, AlertEvent.verificationFailed(settings, r)));
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            out.println(ManifestCodec.toJson(results.stream().map(JsonResult::of).toList()));
        } else {
            if (results.isEmpty()) {
                out.println("no backups to verify in " + settings.backupDir().toAbsolutePath().normalize());
            }
            for (VerifyOperation.VerificationResult result : results) {
                if (result.passed()) {
                    out.println("PASS " + result.location() + "  (" + String.join(", ", result.passedChecks()) + ")");
                } else {
                    out.println("FAIL " + result.location() + "  " + result.failure().get());
                }
                for (String note : result.notes()) {
                    out.println("     note: " + note);
                }
            }
        }
        out.flush();
        boolean allPassed = results.stream().allMatch(VerifyOperation.VerificationResult::passed);
        return allPassed ? ExitCode.OK.code() : ExitCode.VERIFICATION_FAILED.code();
    }

    private static DatabaseUrl parseScratch(String url) {
        try {
            return DatabaseUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--scratch-url " + e.getMessage(), "give a postgresql:// URL of a server where a scratch database may be created");
        }
    }

    @io.quarkus.runtime.annotations.RegisterForReflection
    record JsonResult(String file, String path, boolean passed, List<String> checks, String failure, List<String> notes) {
        static JsonResult of(VerifyOperation.VerificationResult r) {
            return new JsonResult(r.key(), r.location(), r.passed(), r.passedChecks(), r.failure().orElse(null), r.notes());
        }
    }
}
