package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Orders dump entries: every entry after the entries it depends on, and otherwise in pg_dump's order
 * (kind, then schema, then name).
 */
final class DependencyOrder {

    static final Comparator<DumpObject> PREFERRED = Comparator
            .comparingInt((DumpObject o) -> o.kind.priority)
            .thenComparing(o -> o.schema == null ? "" : o.schema)
            .thenComparing(o -> o.name)
            .thenComparing(o -> o.kind.ordinal())
            .thenComparing(o -> o.key);

    private DependencyOrder() {
    }

    static List<DumpObject> sort(List<DumpObject> objects) throws EngineException {
        Map<String, DumpObject> byKey = new HashMap<>();
        for (DumpObject o : objects) {
            byKey.put(o.key, o);
        }
        Map<String, Integer> waitingOn = new HashMap<>();
        Map<String, List<DumpObject>> dependents = new HashMap<>();
        for (DumpObject o : objects) {
            int count = 0;
            for (String d : o.dependsOn) {
                if (byKey.containsKey(d)) {
                    count++;
                    dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(o);
                }
            }
            waitingOn.put(o.key, count);
        }
        PriorityQueue<DumpObject> ready = new PriorityQueue<>(PREFERRED);
        for (DumpObject o : objects) {
            if (waitingOn.get(o.key) == 0) {
                ready.add(o);
            }
        }
        List<DumpObject> ordered = new ArrayList<>(objects.size());
        while (!ready.isEmpty()) {
            DumpObject next = ready.poll();
            ordered.add(next);
            for (DumpObject d : dependents.getOrDefault(next.key, List.of())) {
                if (waitingOn.merge(d.key, -1, Integer::sum) == 0) {
                    ready.add(d);
                }
            }
        }
        if (ordered.size() < objects.size()) {
            List<String> stuck = new ArrayList<>();
            for (DumpObject o : objects) {
                if (waitingOn.get(o.key) > 0 && stuck.size() < 6) {
                    stuck.add(o.describe());
                }
            }
            throw new EngineException("the database has a dependency loop the built-in dumper cannot order, among: "
                    + String.join(", ", stuck) + "; use --dumper pg_dump");
        }
        return ordered;
    }
}
