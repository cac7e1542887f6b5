import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof demo --fleet`: the control plane's whole story against a collector the demo starts.
/// A fleet of simulated devices (Link v1 boards in memory, in several classes, at two sites)
/// follows its assignments through the collector's API and the agent's reconciler while a team
/// releases fleet-lm@1.0.0 through every gate, then takes 1.1.0 through shadow, a canary on a
/// share of each class and an A/B test into production. A regression injected into 1.1.0 opens
/// critical alerts; the collector rolls back on its own and the fleet returns to 1.0.0; a halt
/// stops every device and a resume brings them back. Devices reconcile in back-to-back rounds;
/// every figure is read back from the API.
struct FleetDemoStory {
    static let model = "fleet-lm"
    /// What each bench run asks for: qualification runs and production monitoring alike.
    static let request = RunRequest(tokens: 8, iterations: 10, warmup: 1)
    static let regressionFactor = 3.0
    static let split = 0.1
    /// The policy's largest canary share of a class.
    static let canaryShare = 0.05

    struct Options {
        var devices = 200
        var seed: UInt64 = 7
        var concurrency = 8
        var folder = DataLocation.dataDirectory() + "/demo-fleet"
        /// The collector's database; nil: a fresh SQLite file in `folder`.
        var database: String?
    }

    /// Prints a step as it happens (people watching); quiet for JSON.
    let note: (String) -> Void

    /// Monitoring as the demo's collector runs it: a (version × device)'s first two runs are its
    /// baseline, and one run at twice the baseline's p95 opens a critical alert.
    static var settings: CollectorSettings {
        var monitor = MonitorSettings()
        monitor.baselineRuns = 2
        monitor.minimumBaselineRuns = 2
        monitor.confirmRuns = 1
        monitor.driftMethods = []
        monitor.energyIncrease = nil
        return CollectorSettings(monitor: monitor)
    }

    static let policy = """
        # The fleet demo's governance policy (docs/governance.md, docs/fleet.md).
        gates:
          edge-performance: {thresholds: gates.yaml, device-classes: [sim-cortex-m4, sim-cortex-m7, sim-cortex-m33]}
        fleet:
          canary-share: \(canaryShare)
          automatic-rollback: true
          rollback-critical-alerts: 2
          rollback-window-hours: 24

        """

    static let thresholds = """
        device-classes:
          sim-cortex-m4: {min-iterations: 10, max-latency-p95-ms: 200, max-token-latency-p95-ms: 15}
          sim-cortex-m7: {min-iterations: 10, max-latency-p95-ms: 200, max-token-latency-p95-ms: 15}
          sim-cortex-m33: {min-iterations: 10, max-latency-p95-ms: 200, max-token-latency-p95-ms: 15}

        """

    func run(_ options: Options) async throws -> FleetDemoReport {
        guard (60...10_000).contains(options.devices) else {
            throw AgentError.invalidArgument("--fleet-size must be 60 to 10000 for the fleet demo (20 devices a class, so that 5 % of one is a device), got \(options.devices)")
        }
        let files = FleetDemoFiles(folder: options.folder)
        try files.write()
        var database = StoreOptions()
        database.db = options.database ?? options.folder + "/collector.sqlite"
        let lab = try await FleetDemoLab.start(database: database, settings: Self.settings, policy: Self.policy, thresholds: Self.thresholds)
        note("collector serving \(lab.url) (database \(lab.location)); team: \(FleetDemoLab.team.map(\.name).joined(separator: ", "))")
        do {
            let report = try await FleetDemoChapters(lab: lab, files: files, options: options, note: note).play()
            await lab.stop()
            return report
        } catch {
            await lab.stop()
            throw error
        }
    }
}
