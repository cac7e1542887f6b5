import Foundation

/// The fleet for people: `edgeprof fleet list` and `fleet show`.
public enum FleetListing {
    public static func table(_ devices: [FleetDevice], now: Date) -> String {
        guard !devices.isEmpty else {
            return "no device in the fleet yet: devices appear with their first stored run (edgeprof profile, or an agent's upload)\n"
        }
        var lines = [
            ReportText.padded("device", 28) + ReportText.padded("class", 20) + ReportText.padded("bench", 14) + ReportText.padded("firmware", 22)
                + ReportText.padded("serving", 24) + ReportText.padded("last seen", 11) + "labels",
        ]
        for device in devices {
            lines.append(
                ReportText.padded(device.device, 28) + ReportText.padded(device.deviceClass, 20)
                    + ReportText.padded(device.bench.map { bench in device.place.map { "\(bench)/\($0)" } ?? bench } ?? "-", 14)
                    + ReportText.padded("\(device.firmwareVersion) \(device.firmwareBuild)", 22)
                    + ReportText.padded(device.serving.registered.description, 24)
                    + ReportText.padded(SpoolListing.age(from: device.lastSeenAt, to: now) + " ago", 11) + labels(device))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func show(_ device: FleetDevice, now: Date) -> String {
        var lines = [
            "device     \(device.device)\(device.emulated ? " (emulated)" : "")",
            "class      \(device.deviceClass)",
            "bench      \(device.bench ?? "- (local runs)")\(device.place.map { ", place \($0)" } ?? "")",
            "firmware   \(device.firmwareVersion) build \(device.firmwareBuild)",
            "serving    \(device.serving.registered) (announced \(device.serving.announcedModel), artifact \(device.serving.artifactSHA256.prefix(12))…)",
            "first seen \(AuditChain.timestamp(device.firstSeenAt))",
            "last seen  \(AuditChain.timestamp(device.lastSeenAt)) (\(SpoolListing.age(from: device.lastSeenAt, to: now)) ago), run \(device.lastRunID)",
        ]
        lines.append("labels     \(device.labels.isEmpty ? "-" : labels(device))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A rollback's progress, for `edgeprof fleet rollback`.
    public static func rollback(_ progress: RollbackProgress) -> String {
        var lines = [
            "\(progress.model): rolled back \(progress.from) → \(progress.to) at \(AuditChain.timestamp(progress.decidedAt)) by \(progress.decidedBy)"
                + (progress.automatic ? " (automatic)" : ""),
            "reason     \(progress.reason)",
        ]
        switch progress.state {
        case .verified:
            lines.append("VERIFIED   \(progress.verified) of \(progress.devices) devices serve \(progress.to)"
                + (progress.secondsToVerified.map { String(format: ", the last %.1f s after the decision", $0) } ?? ""))
        case .partial:
            lines.append("PARTIAL    \(progress.verified) of \(progress.devices) devices confirmed \(progress.to); waiting for:")
            for straggler in progress.stragglers {
                let last = straggler.lastReportAt.map { "last report \(AuditChain.timestamp($0))" } ?? "no report"
                lines.append("  \(straggler.device): reports \(straggler.reportedArtifactSHA256.prefix(12))…, \(straggler.servingState?.rawValue ?? "state unknown"), \(last)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The fleet against its assignments, for `edgeprof fleet status`.
    public static func status(_ status: FleetStatus) -> String {
        var lines = ["\(status.devices) devices: \(status.onAssignment) on assignment, \(status.offAssignment) off assignment, "
            + "\(status.unassigned) unassigned, \(status.unknown) unknown" + (status.stale > 0 ? "; \(status.stale) stale (silent, serving unconfirmed)" : "")]
        for entry in status.entries {
            lines.append("  \(ReportText.padded(entry.verdict.rawValue, 15)) \(ReportText.padded(entry.device, 28)) \(entry.detail)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An assignment and its reasons, for `edgeprof fleet explain`.
    public static func explain(_ assignment: DeviceAssignment) -> String {
        var head = "\(assignment.device): "
        switch assignment.state {
        case .halted: head += "HALTED, serves nothing"
        case .unassigned: head += "no assignment for \(assignment.model)"
        case .serving:
            head += "serve \(assignment.serve?.description ?? "?") (\(assignment.arm?.rawValue ?? "?"))"
            if let shadow = assignment.shadow { head += ", shadow \(shadow)" }
        }
        return ([head] + assignment.reasons.map { "  - \($0)" }).joined(separator: "\n") + "\n"
    }

    static func labels(_ device: FleetDevice) -> String {
        device.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
