package dev.dbbackup.operation.alert;

import dev.dbbackup.config.Settings;
import dev.dbbackup.operation.BackupOperation;
import dev.dbbackup.operation.DbBackupException;
import dev.dbbackup.operation.ExitCode;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * Sends an event to every configured channel (webhook, command, e-mail) when BACKUP_ALERT_ON asks for its kind.
 * A channel that fails is logged as a warning; it never fails the backup that raised the alert.
 */
@ApplicationScoped
public class Alerts {

    private static final Logger LOG = Logger.getLogger(Alerts.class);

    /** A failed backup, unless it only found another run holding the folder (that run is making the backup). */
    public void backupFailed(AlertSettings settings, Settings database, RuntimeException failure, int attempts) {
        if (failure instanceof DbBackupException e && e.exitCode() == ExitCode.LOCK_HELD) {
            return;
        }
        send(settings, AlertEvent.backupFailed(database, failure, attempts));
    }

    /** A good backup; a failed offsite copy or retention after it is reported as a failure. */
    public void backupSucceeded(AlertSettings settings, Settings database, BackupOperation.BackupReport report) {
        if (report.offsite() != null && report.offsite().error() != null) {
            send(settings, AlertEvent.backupFailed(database, new DbBackupException(ExitCode.FAILURE,
                    "the backup was written locally (" + report.path() + ") but the offsite copy failed: " + report.offsite().error(),
                    "fix the BACKUP_OFFSITE_* settings, then run 'dbbackup sync' to copy it"), 1));
        } else if (report.retentionError() != null) {
            send(settings, AlertEvent.backupFailed(database, new DbBackupException(ExitCode.FAILURE,
                    "the backup succeeded but retention failed: " + report.retentionError(), "check the permissions of the backup folder"), 1));
        } else {
            send(settings, AlertEvent.backupSucceeded(database, report));
        }
    }

    /** @return the number of channels that took the alert */
    public int send(AlertSettings settings, AlertEvent event) {
        if (!settings.wants(event.kind())) {
            return 0;
        }
        int delivered = 0;
        if (settings.webhook().isPresent()) {
            AlertSettings.Webhook webhook = settings.webhook().get();
            delivered += deliver("webhook " + webhook.describe(), event, () -> WebhookSender.send(webhook, event));
        }
        if (settings.command().isPresent()) {
            delivered += deliver("command", event, () -> CommandSender.run(settings.command().get(), event));
        }
        if (settings.smtp().isPresent()) {
            AlertSettings.Smtp smtp = settings.smtp().get();
            delivered += deliver("e-mail to " + String.join(", ", smtp.to()), event, () -> MailSender.send(smtp, event));
        }
        return delivered;
    }

    private interface Delivery {
        void run() throws IOException;
    }

    private static int deliver(String channel, AlertEvent event, Delivery delivery) {
        try {
            delivery.run();
            LOG.infof("%s alert for %s sent via %s", event.kind().word(), event.database(), channel);
            return 1;
        } catch (IOException | RuntimeException e) {
            LOG.warnf("could not send the %s alert for %s via %s: %s", event.kind().word(), event.database(), channel,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return 0;
        }
    }
}
