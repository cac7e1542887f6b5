/// Renders the leases in force for `edgeprof devices leases`.
public enum LeaseListing {
    public static func table(_ leases: [DeviceLease]) -> String {
        guard !leases.isEmpty else { return "no leases in force\n" }
        return leases.map { lease in
            "\(lease.port)  \(lease.device)  \(lease.holderDescription)  until \(lease.expiresAt.formatted(.iso8601))"
        }.joined(separator: "\n") + "\n"
    }

    public static func json(_ leases: [DeviceLease]) -> String {
        ReportText.json(leases) + "\n"
    }
}
