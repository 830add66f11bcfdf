package dev.dbbackup.operation.alert;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Date;
import java.util.Properties;

/** Sends the event as a plain-text e-mail over SMTP (Jakarta Mail), with STARTTLS, TLS or neither and optional login. */
final class MailSender {

    private MailSender() {
    }

    static void send(AlertSettings.Smtp smtp, AlertEvent event) throws IOException {
        boolean tls = smtp.tls() == AlertSettings.TlsMode.TLS;
        String protocol = tls ? "smtps" : "smtp";
        Properties props = new Properties();
        String prefix = "mail." + protocol + ".";
        props.put("mail.transport.protocol", protocol);
        props.put(prefix + "host", smtp.host());
        props.put(prefix + "port", String.valueOf(smtp.port()));
        props.put(prefix + "auth", String.valueOf(smtp.user().isPresent()));
        String timeout = String.valueOf(smtp.timeout().toMillis());
        props.put(prefix + "connectiontimeout", timeout);
        props.put(prefix + "timeout", timeout);
        props.put(prefix + "writetimeout", timeout);
        if (smtp.tls() == AlertSettings.TlsMode.STARTTLS) {
            props.put(prefix + "starttls.enable", "true");
            props.put(prefix + "starttls.required", "true");
        }
        if (smtp.tls() != AlertSettings.TlsMode.NONE) {
            props.put(prefix + "ssl.checkserveridentity", "true");
        }
        Session session = Session.getInstance(props);
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(smtp.from(), true));
            for (String to : smtp.to()) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
            }
            message.setSubject(event.title(), "UTF-8");
            message.setSentDate(Date.from(event.time()));
            message.setText(event.text(), "UTF-8");
            try (Transport transport = session.getTransport(protocol)) {
                if (smtp.user().isPresent()) {
                    transport.connect(smtp.host(), smtp.port(), smtp.user().get(), smtp.password().orElse(""));
                } else {
                    transport.connect(smtp.host(), smtp.port(), null, null);
                }
                message.saveChanges();
                transport.sendMessage(message, message.getAllRecipients());
            }
        } catch (AddressException e) {
            throw new IOException("bad e-mail address in BACKUP_ALERT_EMAIL_FROM/TO: " + e.getMessage(), e);
        } catch (MessagingException e) {
            throw new IOException("SMTP " + smtp.host() + ":" + smtp.port() + ": " + describe(e), e);
        }
    }

    private static String describe(MessagingException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        return cause == e ? message : message + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
    }
}
