import EdgeProfCore
import Foundation

/// What `edgeprof demo --observe` found: per injected change, the drift kind and severity that
/// caught it, the window it was caught in, and the incident it opened; the false alarms on the
/// unchanged classes; and the A/B test's verdict with its p-value.
struct ObserveDemoReport: Codable {
    struct Detection: Codable {
        var effect: String
        var deviceClass: String
        /// The UTC days the change was in the telemetry.
        var injected: [String]
        var kind: String?
        var severity: String?
        /// The start of the window whose check fired.
        var window: String?
        var incident: Int64?
        var playbook: String?
        var paged: [String]
        var resolvedBy: String?
        /// Whether the next window after the change cleared the alert.
        var cleared: Bool
    }

    struct ABVerdictFigures: Codable {
        var test: Int64
        var a: String
        var b: String
        var minimumSamples: Int
        /// Labelled samples of each arm and the verdict after each batch of telemetry.
        var batches: [String]
        var outcome: String
        var accuracyA: Double?
        var accuracyB: Double?
        var pValue: Double?
    }

    /// 1.1.0's shadow period so far, judged on the fleet's telemetry.
    struct ShadowFigures: Codable {
        var candidate: String
        var pairs: Int
        var agreementRate: Double?
        var accuracy: Double?
        var servedAccuracy: Double?
        var accuracyPValue: Double?
        var scoreKSPValue: Double?
        var outcome: String
        /// What the verdict still waits for, or why it failed.
        var finding: String
    }

    var verdict: String
    var problems: [String]
    var collector: String
    var database: String
    var devices: Int
    var classes: [String: Int]
    /// Drift checks stored and how many fired on a class nothing was injected into.
    var checks: Int
    var falseAlarms: Int
    var detections: [Detection]
    var shadow: ShadowFigures
    var abTest: ABVerdictFigures

    var passed: Bool { verdict == "PASS" }

    var table: String {
        var lines = [
            "observe demo: \(verdict)",
            "devices     \(devices) in \(classes.count) classes; collector \(collector) (\(database))",
            "drift       \(checks) scheduled checks over four weeks; \(falseAlarms) fired on an unchanged class",
        ]
        for detection in detections {
            let caught = detection.kind.map { kind in
                "\(kind) drift (\(detection.severity ?? "?")) in the window of \(detection.window ?? "?"), incident #\(detection.incident.map(String.init) ?? "—") "
                    + "\(detection.playbook ?? "")" + (detection.paged.isEmpty ? "" : " paging \(detection.paged.joined(separator: ", "))")
                    + "; resolved by \(detection.resolvedBy ?? "—")" + (detection.cleared ? ", cleared next window" : ", NOT cleared")
            } ?? "NOT DETECTED"
            lines.append("  \(detection.effect) on \(detection.deviceClass) (\(detection.injected.first ?? "")\(detection.injected.count > 1 ? " … \(detection.injected.last ?? "")" : "")): \(caught)")
        }
        let accuracy = { (value: Double?) in value.map { String(format: "%.3f", $0) } ?? "—" }
        lines.append(
            "shadow      \(shadow.candidate): \(shadow.pairs) paired requests, agreement \(accuracy(shadow.agreementRate)), accuracy \(accuracy(shadow.accuracy)) vs \(accuracy(shadow.servedAccuracy)) "
                + "served (p \(shadow.accuracyPValue.map { String(format: "%.2e", $0) } ?? "—")): \(shadow.outcome) — \(shadow.finding)")
        lines.append("A/B test    \(abTest.a) vs \(abTest.b) (minimum \(abTest.minimumSamples) labelled a side): \(abTest.batches.joined(separator: " → "))")
        lines.append("            \(abTest.outcome.uppercased()): accuracy \(accuracy(abTest.accuracyA)) vs \(accuracy(abTest.accuracyB)), p \(abTest.pValue.map { String(format: "%.2e", $0) } ?? "—")")
        lines += problems.map { "  problem: \($0)" }
        lines.append("data        \(database): `edgeprof collector serve --db` serves it again, for `edgeprof drift history \(FleetDemoStory.model)` and `edgeprof incidents list`")
        return lines.joined(separator: "\n") + "\n"
    }
}
