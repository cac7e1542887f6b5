import Foundation

/// A/B tests for people: `edgeprof abtest list|start|stop`.
public enum ABTestListing {
    public static func table(_ tests: [ABTest], now: Date) -> String {
        guard !tests.isEmpty else { return "no A/B test yet: edgeprof abtest start MODEL --b VERSION --reason TEXT\n" }
        return tests.map { test in
            let state: String
            switch test.state {
            case .stopped: state = "stopped by \(test.stoppedBy ?? "?") at \(test.stoppedAt.map(AuditChain.timestamp) ?? "?"): \(test.stopReason ?? "")"
            case .running: state = test.isActive(at: now) ? "running until \(AuditChain.timestamp(test.endsAt))" : "running, past its maximum at \(AuditChain.timestamp(test.endsAt)): stop it"
            }
            return "\(test.id)  \(test.model): A \(test.a) vs B \(test.b), \(String(format: "%g", test.split * 100)) % of \(test.unit.rawValue)s to B, "
                + "≥ \(test.minimumSamples) samples per arm; started by \(test.startedBy) at \(AuditChain.timestamp(test.startedAt)) (\(test.reason)); \(state)"
        }.joined(separator: "\n") + "\n"
    }
}
