package dev.dbbackup.retention;

import java.util.List;

/** A planner result with the two lists a prune needs; decisions stay in the planner's order (newest first). */
public record RetentionPlan(List<RetentionDecision> decisions) {

    public RetentionPlan {
        decisions = List.copyOf(decisions);
    }

    public List<RetentionCandidate> toKeep() {
        return decisions.stream().filter(RetentionDecision::keep).map(RetentionDecision::candidate).toList();
    }

    public List<RetentionCandidate> toDelete() {
        return decisions.stream().filter(d -> !d.keep()).map(RetentionDecision::candidate).toList();
    }
}
