package dev.dbbackup.operation.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** POSTs the event as JSON, retrying with backoff (1 s, 2 s, 4 s …) on network errors, HTTP 429 and 5xx. */
final class WebhookSender {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DISCORD_LIMIT = 2000;

    private WebhookSender() {
    }

    static void send(AlertSettings.Webhook webhook, AlertEvent event) throws IOException {
        byte[] body = payload(webhook.format(), event);
        HttpClient client = HttpClient.newBuilder().connectTimeout(webhook.timeout()).build();
        HttpRequest request = HttpRequest.newBuilder(webhook.url()).timeout(webhook.timeout())
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "dbbackup")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        String lastProblem = null;
        int attempt = 0;
        for (; attempt <= webhook.retries(); attempt++) {
            if (attempt > 0) {
                pause(Duration.ofSeconds(1L << Math.min(attempt - 1, 5)));
            }
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return;
                }
                lastProblem = "HTTP " + status;
                if (status != 429 && status / 100 != 5) {
                    attempt++;
                    break;
                }
            } catch (IOException e) {
                lastProblem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        throw new IOException(lastProblem + " (after " + attempt + " attempt" + (attempt == 1 ? ")" : "s)"));
    }

    /** The request body: our event object, or the text field Slack ("text") or Discord ("content") shows. */
    static byte[] payload(AlertSettings.WebhookFormat format, AlertEvent event) {
        ObjectNode node = JSON.createObjectNode();
        switch (format) {
            case SLACK -> node.put("text", event.text());
            case DISCORD -> {
                String text = event.text();
                node.put("content", text.length() > DISCORD_LIMIT ? text.substring(0, DISCORD_LIMIT - 1) + "…" : text);
            }
            default -> {
                node.put("event", event.kind().word());
                node.put("database", event.database());
                node.put("host", event.host());
                node.put("time", event.time().toString());
                node.put("title", event.title());
                node.put("message", event.message());
                node.put("hint", event.hint());
                node.put("file", event.file());
                ObjectNode details = node.putObject("details");
                event.details().forEach(details::put);
                node.put("text", event.text());
            }
        }
        try {
            return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pause(Duration duration) throws IOException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
