import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfStore
import Foundation

/// `--token`, `--bench`, `--spool`: how an agent reaches its collector. Shared by `profile --upload` and `agent`.
struct CollectorConnection: ParsableArguments {
    @Option(help: ArgumentHelp("API token (default: $EDGEPROF_TOKEN).", valueName: "ept_…"))
    var token: String?

    @Option(help: ArgumentHelp("This bench's name, as its token names it (default: $EDGEPROF_BENCH, else the host name); `agent run` also takes a bench file (docs/bench.md), whose name it then uses.", valueName: "name|bench.yaml"))
    var bench: String?

    @Option(help: ArgumentHelp("The spool file where runs wait for the collector (default: beside the database).", valueName: "path"))
    var spool: String?

    var spoolPath: String { spool ?? DataLocation.dataDirectory() + "/spool.sqlite" }

    var benchName: String {
        bench ?? ProcessInfo.processInfo.environment["EDGEPROF_BENCH"].flatMap { $0.isEmpty ? nil : $0 } ?? ProcessInfo.processInfo.hostName
    }

    /// --bench as a bench file: a value ending in .yaml or .yml, or naming a file.
    var benchFile: String? {
        guard let bench else { return nil }
        return bench.hasSuffix(".yaml") || bench.hasSuffix(".yml") || bench.contains("/") ? bench : nil
    }

    func openSpool() throws(AgentError) -> SQLiteSpool {
        do { return try SQLiteSpool(path: spoolPath) } catch { throw .store(error) }
    }

    /// `bench` overrides the bench's name (a bench file names its bench).
    func drainer(collector: String, bench override: String? = nil) throws(AgentError) -> SpoolDrainer {
        let benchName = override ?? benchName
        guard let token = token ?? ProcessInfo.processInfo.environment["EDGEPROF_TOKEN"], !token.isEmpty else {
            throw .invalidArgument("no API token: give --token or set EDGEPROF_TOKEN (the collector's operator makes one with `edgeprof collector token create`)")
        }
        guard let url = URL(string: collector), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw .invalidArgument("\(collector) is not a collector URL; write it like http://lab-server:8470")
        }
        if let problem = RunUploadValidation.nameProblem(benchName) {
            throw .invalidArgument("bench name '\(benchName)' \(problem); choose one with --bench")
        }
        return SpoolDrainer(spool: try openSpool(), client: CollectorClient(baseURL: collector, token: token), bench: benchName)
    }

    /// Spools the run for `collector`, then tries to deliver what is due; a collector that is
    /// down leaves the run spooled, which is not an error.
    func send(_ outcome: ProfileOutcome, to collector: String) async throws {
        let report = try await reportingErrors { () async throws(AgentError) in try await deliver(outcome, to: collector) }
        Terminal.note(UploadNote.text(report, collector: collector))
    }

    /// `send` without printing: what the upload pass did, or why it could not start.
    func deliver(_ outcome: ProfileOutcome, to collector: String) async throws(AgentError) -> DrainReport {
        let drainer = try drainer(collector: collector)
        let upload = RunUpload(stored: outcome.stored, bench: drainer.bench, artifactSHA256: outcome.model.artifactSHA256)
        do throws(StoreError) { try drainer.spool.enqueue(upload, collector: drainer.client.baseURL, localRunID: outcome.runID, at: Date()) } catch {
            throw .store(error)
        }
        return try await drainer.drainOnce()
    }
}

/// One line on what an upload pass did.
enum UploadNote {
    static func text(_ report: DrainReport, collector: String) -> String {
        var parts: [String] = []
        if !report.delivered.isEmpty {
            let ids = report.delivered.map { "\($0.remoteRunID)\($0.duplicate ? " (already there)" : "")" }
            parts.append("uploaded to \(collector) as run \(ids.joined(separator: ", "))")
        }
        for (key, reason) in report.rejected { parts.append("the collector refused \(key): \(reason)") }
        if let reason = report.retryReason {
            parts.append("\(report.remaining) run\(report.remaining == 1 ? "" : "s") spooled for later (\(reason)); `edgeprof agent run` or the next upload retries")
        }
        return parts.isEmpty ? "nothing to upload" : parts.joined(separator: "; ")
    }
}
