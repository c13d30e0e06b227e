package dev.gpuconfig.changes;

import java.time.Instant;
import java.util.List;

/** GET /v1/rules/changes: what one activation changed, over {@code asked} decisions compared. */
public record ChangeReport(String from, String to, Instant at, int asked, List<Change> changed) {
}
