package dev.dbbackup.retention;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** TEMPORARY STUB: replaced by the retention branch. */
public final class RetentionPlanner {
    private RetentionPlanner() {
    }

    public static List<RetentionDecision> plan(List<RetentionCandidate> backups, RetentionPolicy policy, Instant now, ZoneId zone) {
        List<RetentionDecision> out = new ArrayList<>();
        for (RetentionCandidate c : backups) {
            out.add(new RetentionDecision(c, true, List.of("stub")));
        }
        return out;
    }
}
