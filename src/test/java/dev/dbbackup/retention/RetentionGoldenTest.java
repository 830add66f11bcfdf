package dev.dbbackup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every src/test/resources/retention/*.txt is a (backups, policy, now, zone) → decisions case; the file is
 * both input and expected output. To draft a new case, write its backup lines with any verdict and run with
 * -Dretention.golden.update=true, then check every line by hand before committing.
 */
class RetentionGoldenTest {

    private static final Path DIR = Path.of("src/test/resources/retention");

    @TestFactory
    Stream<DynamicTest> plannerMatchesEveryGoldenFile() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(DIR)) {
            files = listing.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no golden files in " + DIR.toAbsolutePath());
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
    }

    private static void check(Path file) {
        GoldenFile golden = GoldenFile.read(file);
        List<RetentionCandidate> input = new ArrayList<>(golden.backups());
        Collections.shuffle(input, new Random(file.getFileName().toString().hashCode()));
        List<RetentionDecision> decisions = golden.run(input);
        if (Boolean.getBoolean("retention.golden.update")) {
            golden.rewrite(decisions);
            return;
        }
        List<String> actual = decisions.stream().map(GoldenFile::render).toList();
        assertEquals(String.join("\n", golden.expected()), String.join("\n", actual), file.toString());
    }
}
