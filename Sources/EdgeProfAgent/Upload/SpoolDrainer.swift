import EdgeProfCore
import EdgeProfStore
import Foundation

/// What one pass over the spool did.
public struct DrainReport: Sendable {
    public var delivered: [SpoolDelivery] = []
    /// Keys of runs the collector refused, with its reason.
    public var rejected: [(key: String, reason: String)] = []
    /// Why the pass stopped early, when the collector could not be reached.
    public var retryReason: String?
    public var remaining = 0
}

/// Empties the spool into the collector: due runs oldest first, each kept until the collector
/// answers with a receipt; an unreachable collector ends the pass and the run is retried later
/// with jittered exponential backoff.
public struct SpoolDrainer: Sendable {
    public let spool: SQLiteSpool
    public let client: CollectorClient
    public let bench: String
    public let schedule: RetrySchedule

    public init(spool: SQLiteSpool, client: CollectorClient, bench: String, schedule: RetrySchedule = RetrySchedule()) {
        self.spool = spool
        self.client = client
        self.bench = bench
        self.schedule = schedule
    }

    /// One pass over the runs due now.
    public func drainOnce() async throws(AgentError) -> DrainReport {
        var report = DrainReport()
        while true {
            let due: [(SpooledRun, body: Data)]
            do { due = try spool.due(collector: client.baseURL, bench: bench, now: Date(), limit: 64) } catch { throw .store(error) }
            if due.isEmpty { break }
            for (entry, body) in due {
                let waiting = try depth()
                switch await client.upload(body: body, spoolDepth: max(waiting - 1, 0)) {
                case .delivered(let receipt):
                    let delivery = SpoolDelivery(key: entry.key, collector: client.baseURL, remoteRunID: receipt.runID, duplicate: receipt.duplicate, deliveredAt: Date())
                    do { try spool.markDelivered(key: entry.key, collector: client.baseURL, receipt: receipt, at: delivery.deliveredAt) } catch { throw .store(error) }
                    report.delivered.append(delivery)
                case .rejected(let reason):
                    do { try spool.markRejected(key: entry.key, reason: reason, at: Date()) } catch { throw .store(error) }
                    report.rejected.append((entry.key, reason))
                case .retry(let reason):
                    let wait = schedule.delay(afterFailures: entry.attempts + 1, unit: Double.random(in: 0..<1))
                    do { try spool.markFailed(key: entry.key, error: reason, next: Date().addingTimeInterval(wait)) } catch { throw .store(error) }
                    report.retryReason = reason
                    report.remaining = try depth()
                    return report
                }
            }
        }
        report.remaining = try depth()
        await client.report(bench: bench, spoolDepth: report.remaining)
        return report
    }

    /// Passes until `shouldStop` says so, sleeping until the next run is due (at most `poll`).
    public func run(poll: Duration = .seconds(1), shouldStop: @Sendable () -> Bool, onPass: @Sendable (DrainReport) -> Void) async throws(AgentError) {
        while !shouldStop() {
            let report = try await drainOnce()
            onPass(report)
            var wait = poll
            if let next = try nextDue() {
                let seconds = next.timeIntervalSinceNow
                wait = seconds <= 0 ? .zero : min(poll, .milliseconds(Int64(seconds * 1000)))
            }
            if wait > .zero { try? await Task.sleep(for: wait) }
        }
    }

    private func depth() throws(AgentError) -> Int {
        do { return try spool.depth(collector: client.baseURL, bench: bench) } catch { throw .store(error) }
    }

    private func nextDue() throws(AgentError) -> Date? {
        do { return try spool.nextDue(collector: client.baseURL, bench: bench) } catch { throw .store(error) }
    }
}
