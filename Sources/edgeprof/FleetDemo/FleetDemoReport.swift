import EdgeProfCore
import Foundation

/// What `edgeprof demo --fleet` saw, as its JSON prints it. Every figure is read back from the
/// collector's API after the devices reported: shares are of the devices that report serving the
/// version, not of the assignments handed out.
struct FleetDemoReport: Codable {
    struct Canary: Codable {
        var version: String
        /// The policy's largest share per class.
        var policyShare: Double
        /// Per class: the share of its devices serving the canary.
        var share: [String: Double]
        var devices: [String: Int]
    }

    struct ABTestFigures: Codable {
        var id: Int64
        var a: String
        var b: String
        var split: Double
        /// Of the devices on the test, the share that reports serving B.
        var splitObserved: Double
        var devicesOnA: Int
        var devicesOnB: Int
    }

    struct Shadow: Codable {
        var version: String
        /// Devices whose assignment runs the candidate in shadow beside production, and those
        /// that report running it.
        var devicesAssigned: Int
        var devicesRunning: Int
        /// Bench runs that recorded the shadow, the share of served tokens it reproduced in them,
        /// and the median of its latency ÷ the served model's.
        var benchRuns: Int
        var tokenAgreement: Double?
        var latencyRatio: Double?
    }

    struct Regression: Codable {
        var version: String
        var latencyFactor: Double
        /// The devices whose runs opened the critical alerts.
        var devices: [String]
        var criticalAlerts: Int
    }

    struct Rollback: Codable {
        var automatic: Bool
        var decidedBy: String
        var from: String
        var to: String
        var reason: String
        /// From the second critical alert's upload until the collector decided.
        var secondsToDecided: Double
        /// From the decision until every device reported the restored version serving.
        var secondsToVerified: Double
        /// From the second critical alert until then: the figure the governance documents bound (5 minutes).
        var secondsFromAlertToVerified: Double
        var rounds: Int
    }

    var verdict: String
    var problems: [String]
    var collector: String
    var database: String
    var devices: Int
    var classes: [String: Int]
    var released: String
    var canary: Canary
    var shadow: Shadow
    var abtest: ABTestFigures
    var regression: Regression
    var rollback: Rollback
    var halt: HaltFigures
    var resume: ResumeFigures
    var devicesOnExpectedVersion: Int
    var serving: String

    struct HaltFigures: Codable {
        var actor: String
        var secondsToAllHalted: Double
        var rounds: Int
    }

    struct ResumeFigures: Codable {
        var actor: String
        var secondsToAllServing: Double
        var rounds: Int
    }

    var passed: Bool { problems.isEmpty }

    /// The summary people read at the end of the demo.
    var table: String {
        let shares = canary.share.keys.sorted().map { "\(canary.devices[$0] ?? 0) \($0) (\(percent(canary.share[$0] ?? 0)))" }.joined(separator: ", ")
        var lines = [
            "fleet demo: \(verdict)",
            "devices     \(devices) in \(classes.count) classes; collector \(collector) (\(database))",
            "canary      \(canary.version) on \(shares); at most \(percent(canary.policyShare)) of a class",
            "shadow      \(shadow.version) run beside production by \(shadow.devicesRunning) of \(shadow.devicesAssigned) devices assigned it; "
                + "on \(shadow.benchRuns) bench boards \(shadow.tokenAgreement.map(percent) ?? "—") of tokens agree, "
                + "at \(shadow.latencyRatio.map { String(format: "%.2f×", $0) } ?? "—") the latency",
            "A/B test    \(abtest.a) vs \(abtest.b): split \(percent(abtest.split)), observed \(percent(abtest.splitObserved)) (\(abtest.devicesOnB) of \(abtest.devicesOnA + abtest.devicesOnB) devices on B)",
            "regression  \(regression.version) \(String(format: "%g", regression.latencyFactor))× slower: \(regression.criticalAlerts) critical alerts (\(regression.devices.joined(separator: ", ")))",
            String(format: "rollback    %@ by %@ to %@: decided %.2f s after the 2nd critical alert, verified on every device %.2f s after that (%d rounds)",
                   rollback.automatic ? "automatic" : "MANUAL", rollback.decidedBy, rollback.to, rollback.secondsToDecided, rollback.secondsToVerified, rollback.rounds),
            String(format: "halt        by %@: every device halted %.2f s later (%d rounds)", halt.actor, halt.secondsToAllHalted, halt.rounds),
            String(format: "resume      by %@: every device serving %.2f s later (%d rounds)", resume.actor, resume.secondsToAllServing, resume.rounds),
            "at the end  \(devicesOnExpectedVersion) of \(devices) devices on their expected version (\(serving))",
        ]
        lines += problems.map { "problem: \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    private func percent(_ share: Double) -> String { String(format: "%.1f %%", share * 100) }
}
