import Foundation

/// Renders `edgeprof agent status`.
public enum SpoolListing {
    public static func table(_ status: SpoolStatus, now: Date) -> String {
        var lines = ["spool:          \(status.location)"]
        lines.append("waiting:        \(status.pending.count) run\(status.pending.count == 1 ? "" : "s")")
        if let oldest = status.pending.min(by: { $0.enqueuedAt < $1.enqueuedAt }) {
            lines.append("oldest waiting: \(age(from: oldest.enqueuedAt, to: now)) (\(oldest.model), \(oldest.attempts) attempt\(oldest.attempts == 1 ? "" : "s"))")
        }
        if let next = status.pending.min(by: { $0.nextAttemptAt < $1.nextAttemptAt }) {
            lines.append("next attempt:   \(next.nextAttemptAt <= now ? "now" : "in " + age(from: now, to: next.nextAttemptAt)) to \(next.collector)")
        }
        if let error = status.pending.compactMap(\.lastError).last {
            lines.append("last error:     \(error)")
        }
        if let delivery = status.lastDelivery {
            lines.append("last delivery:  \(age(from: delivery.deliveredAt, to: now)) ago: run \(delivery.remoteRunID) on \(delivery.collector)\(delivery.duplicate ? " (already there)" : "")")
        } else {
            lines.append("last delivery:  none yet")
        }
        lines.append("delivered:      \(status.delivered)")
        if !status.rejected.isEmpty {
            lines.append("rejected:       \(status.rejected.count) (kept; the collector refused them, retrying cannot help)")
            for run in status.rejected {
                lines.append("  \(run.key) \(run.model): \(run.lastError ?? "refused")")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ status: SpoolStatus) -> String {
        ReportText.json(status) + "\n"
    }

    static func age(from start: Date, to end: Date) -> String {
        let seconds = max(0, Int(end.timeIntervalSince(start)))
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        return "\(seconds / 3600) h"
    }
}
