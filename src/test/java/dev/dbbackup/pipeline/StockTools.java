package dev.dbbackup.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the stock command-line tools (gunzip, zstd) on files, as a user without dbbackup would. */
final class StockTools {

    private StockTools() {
    }

    /** The outcome of one command: exit code and what it wrote to stderr. */
    record Result(int exitCode, String stderr) {
    }

    /** Runs {@code command} with {@code input} as stdin and {@code output} as stdout (null = discard). */
    static Result run(Path input, Path output, String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(args)
                .redirectInput(input.toFile())
                .redirectOutput(output == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(output.toFile()));
        Path stderr = Files.createTempFile("stock-tool", ".err");
        builder.redirectError(stderr.toFile());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException(command[0] + " is not installed; the tests need the stock tools (apt-get install gzip zstd)", e);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 120 s");
        }
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        Files.deleteIfExists(stderr);
        return new Result(process.exitValue(), err);
    }
}
