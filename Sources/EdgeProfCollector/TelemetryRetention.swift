import EdgeProfCore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes inference telemetry older than the retention (`telemetry: {retention-days}`, 90 by
/// default) at the collector's start and every `sweep`; a collector that was down catches up on
/// its next sweep, and two collectors on one database delete each record once.
struct TelemetryRetention: Service {
    let store: any CollectorStore
    let settings: TelemetrySettings
    let logger: Logger
    let sweep: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await prune(now: Date())
                try? await Task.sleep(for: sweep)
            }
        }
    }

    func prune(now: Date) async {
        let cutoff = now.addingTimeInterval(-settings.retentionDays * 86_400)
        do {
            let pruned = try await store.pruneInferences(before: cutoff)
            if pruned > 0 { logger.notice("telemetry retention: deleted \(pruned) inference records answered before \(cutoff.formatted(.iso8601))") }
        } catch {
            if !Task.isCancelled { logger.error("telemetry retention failed: \(error.description)") }
        }
    }
}
