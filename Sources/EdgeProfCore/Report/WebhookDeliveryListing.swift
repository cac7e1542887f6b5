/// Renders `edgeprof alerts deliveries`: the webhook queue and its dead letters.
public enum WebhookDeliveryListing {
    public static func table(_ records: [WebhookDeliveryRecord], state: WebhookDeliveryState) -> String {
        guard !records.isEmpty else { return "no \(state.rawValue) webhook deliveries\n" }
        return records.map { record in
            "\(ReportText.padded(String(record.id), 6)) alert \(ReportText.padded(String(record.alertID), 5)) \(ReportText.padded(record.event, 15)) "
                + "\(record.attempts) attempt\(record.attempts == 1 ? "" : "s")  \(record.url)"
                + (record.lastError.map { "\n       last error: \($0)" } ?? "")
        }.joined(separator: "\n") + "\n"
    }
}
