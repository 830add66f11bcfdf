package dev.dbbackup.retention;

import java.util.List;

/** The planner's verdict on one backup, with every reason (e.g. "daily 2025-11-03", "weekly 2025-W44"). */
public record RetentionDecision(RetentionCandidate candidate, boolean keep, List<String> reasons) {
}
