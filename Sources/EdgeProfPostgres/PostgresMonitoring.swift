import EdgeProfCore
import Foundation
import Logging
import PostgresNIO

/// Per-device monitoring in PostgreSQL. An advisory lock per device serialises alert changes
/// across collector instances; webhook deliveries are claimed with SKIP LOCKED so two instances
/// never send the same event.
extension PostgresCollectorStore {
    public func monitorHistory(_ key: MonitorKey, runID: Int64, baselineRuns: Int, recentRuns: Int) async throws(StoreError) -> (baseline: [StoredRun], recent: [StoredRun])? {
        guard let reference = try? ModelReference(parsing: key.model) else { return nil }
        let (board, serial) = key.boardAndSerial
        return try await withConnection("read the history of \(key)") { connection -> (baseline: [StoredRun], recent: [StoredRun])? in
            guard let model = try await Self.fetchModel(reference, connection, self.logger) else { return nil }
            var pinned: [Int64]?
            for try await json in try await connection.query(
                """
                SELECT run_ids_json FROM baseline_pin WHERE model = \(key.model) AND device_class = \(key.deviceClass) AND device = \(key.device)
                """, logger: self.logger).decode(String.self) { pinned = try Self.decodeJSON(json) }
            var baselineIDs: [Int64] = []
            let baselineQuery: PostgresQuery = if let pinned {
                "SELECT id FROM run WHERE id = ANY(\(pinned)) ORDER BY id"
            } else {
                """
                SELECT id FROM run WHERE model_version_id = \(model.id) AND device_class = \(key.deviceClass) AND board = \(board)
                  AND serial = \(serial) AND status = 'complete' ORDER BY id LIMIT \(baselineRuns)
                """
            }
            for try await id in try await connection.query(baselineQuery, logger: self.logger).decode(Int64.self) { baselineIDs.append(id) }
            if baselineIDs.contains(runID) { return nil }
            var recentIDs: [Int64] = []
            for try await id in try await connection.query(
                """
                SELECT id FROM run WHERE model_version_id = \(model.id) AND device_class = \(key.deviceClass) AND board = \(board)
                  AND serial = \(serial) AND id <= \(runID) ORDER BY id DESC LIMIT \(recentRuns)
                """, logger: self.logger).decode(Int64.self) { recentIDs.append(id) }
            var baseline: [StoredRun] = []
            for id in baselineIDs { baseline.append(try await self.monitorRun(id, model: reference, connection)) }
            var recent: [StoredRun] = []
            for id in recentIDs.reversed() { recent.append(try await self.monitorRun(id, model: reference, connection)) }
            return (baseline, recent)
        }
    }

    /// Run `id` without its token rows, decoded once and then kept: stored runs never change.
    private func monitorRun(_ id: Int64, model: ModelReference, _ connection: PostgresConnection) async throws -> StoredRun {
        if let cached = monitorRuns.run(id) { return cached }
        var row: PostgresRandomAccessRow?
        for try await found in try await connection.query("SELECT * FROM run WHERE id = \(id)", logger: logger) { row = found.makeRandomAccess() }
        guard let row else {
            throw StoreError.failed(location: location, operation: "read run \(id) for the monitor", reason: "the run vanished while it was read")
        }
        let run = try await Self.storedRun(row, model: model, connection, logger, tokens: false)
        monitorRuns.keep(run)
        return run
    }

    public func pinBaseline(_ pin: BaselinePin) async throws(StoreError) {
        try await withConnection("pin the baseline of \(pin.key)") { connection in
            try await connection.query(
                """
                INSERT INTO baseline_pin (model, device_class, device, run_ids_json, pinned_by, pinned_at, reason)
                VALUES (\(pin.key.model), \(pin.key.deviceClass), \(pin.key.device), \(try Self.json(pin.runIDs)), \(pin.pinnedBy), \(pin.pinnedAt), \(pin.reason))
                ON CONFLICT (model, device_class, device) DO UPDATE SET
                    run_ids_json = excluded.run_ids_json, pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at, reason = excluded.reason
                """, logger: self.logger)
        }
    }

    public func unpinBaseline(_ key: MonitorKey) async throws(StoreError) -> Bool {
        try await withConnection("unpin the baseline of \(key)") { connection in
            var removed = false
            for try await _ in try await connection.query(
                """
                DELETE FROM baseline_pin WHERE model = \(key.model) AND device_class = \(key.deviceClass) AND device = \(key.device) RETURNING model
                """, logger: self.logger).decode(String.self) { removed = true }
            return removed
        }
    }

    public func baselinePins() async throws(StoreError) -> [BaselinePin] {
        try await withConnection("list pinned baselines") { connection in
            var pins: [BaselinePin] = []
            for try await (model, deviceClass, device, ids, by, at, reason) in try await connection.query(
                "SELECT model, device_class, device, run_ids_json, pinned_by, pinned_at, reason FROM baseline_pin ORDER BY model, device_class, device",
                logger: self.logger
            ).decode((String, String, String, String, String, Date, String).self) {
                pins.append(BaselinePin(
                    key: MonitorKey(model: model, deviceClass: deviceClass, device: device), runIDs: try Self.decodeJSON(ids), pinnedBy: by,
                    pinnedAt: at, reason: reason))
            }
            return pins
        }
    }

    public func applyFindings(_ findings: [MonitorFinding], key: MonitorKey, runID: Int64, at time: Date, webhooks: [WebhookTarget]) async throws(StoreError) -> [AlertEvent] {
        try await transaction("update the alerts of \(key)") { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("\(key.model)|\(key.deviceClass)|\(key.device)")))", logger: self.logger)
            if runID != Alert.noRun {
                try await connection.query(
                    """
                    INSERT INTO run_finding (run_id, json) VALUES (\(runID), \(try Self.json(findings)))
                    ON CONFLICT (run_id) DO UPDATE SET json = excluded.json
                    """, logger: self.logger)
            }
            let changes = AlertPlanner.plan(findings: findings, live: try await Self.liveAlerts(key, connection, self.logger))
            var events: [AlertEvent] = []
            for finding in changes.opened {
                var id: Int64 = 0
                for try await value in try await connection.query(
                    """
                    INSERT INTO alert (rule, severity, model, device_class, device, state, finding_json, opened_at, last_seen_at,
                        occurrences, first_run_id, last_run_id)
                    VALUES (\(finding.rule.rawValue), \(finding.severity.rawValue), \(key.model), \(key.deviceClass), \(key.device), 'open',
                        \(try Self.json(finding)), \(time), \(time), 1, \(runID), \(runID))
                    RETURNING id
                    """, logger: self.logger).decode(Int64.self) { id = value }
                if let alert = try await Self.fetchAlert(id, connection, self.logger) { events.append(AlertEvent(event: "alert.opened", alert: alert)) }
            }
            for (id, finding) in changes.refreshed {
                try await connection.query(
                    """
                    UPDATE alert SET finding_json = \(try Self.json(finding)), last_seen_at = \(time), occurrences = occurrences + 1,
                        last_run_id = \(runID) WHERE id = \(id)
                    """, logger: self.logger)
            }
            for id in changes.resolved {
                try await connection.query(
                    "UPDATE alert SET state = 'resolved', resolved_at = \(time), resolved_by_run_id = \(runID) WHERE id = \(id)", logger: self.logger)
                if let alert = try await Self.fetchAlert(id, connection, self.logger) { events.append(AlertEvent(event: "alert.resolved", alert: alert)) }
            }
            for event in events {
                let body = try JSONCoding.encoder.encode(event)
                for webhook in webhooks where webhook.wants(event.alert.severity) {
                    try await connection.query(
                        """
                        INSERT INTO webhook_outbox (alert_id, event, url, body, created_at, next_attempt_at)
                        VALUES (\(event.alert.id), \(event.event), \(webhook.url), \(body), \(time), \(time))
                        """, logger: self.logger)
                }
            }
            return events
        }
    }

    public func alerts(state: AlertState?, limit: Int) async throws(StoreError) -> [Alert] {
        try await withConnection("list alerts") { connection in
            var alerts: [Alert] = []
            for try await row in try await connection.query(
                "SELECT * FROM alert WHERE (\(state?.rawValue)::text IS NULL OR state = \(state?.rawValue)) ORDER BY id DESC LIMIT \(limit)",
                logger: self.logger) { if let alert = try Self.alert(row.makeRandomAccess()) { alerts.append(alert) } }
            return alerts
        }
    }

    public func alerts(model: String, openedSince since: Date) async throws(StoreError) -> [Alert] {
        try await withConnection("list the alerts of \(model)") { connection in
            var alerts: [Alert] = []
            for try await row in try await connection.query(
                "SELECT * FROM alert WHERE model = \(model) AND opened_at >= \(since) ORDER BY opened_at, id",
                logger: self.logger) { if let alert = try Self.alert(row.makeRandomAccess()) { alerts.append(alert) } }
            return alerts
        }
    }

    public func alert(id: Int64) async throws(StoreError) -> Alert? {
        try await withConnection("read alert \(id)") { connection in try await Self.fetchAlert(id, connection, self.logger) }
    }

    public func findings(runID: Int64) async throws(StoreError) -> [MonitorFinding]? {
        try await withConnection("read the findings of run \(runID)") { connection in
            for try await json in try await connection.query("SELECT json FROM run_finding WHERE run_id = \(runID)", logger: self.logger).decode(String.self) {
                return try PostgresCollectorStore.decodeJSON(json) as [MonitorFinding]
            }
            return nil
        }
    }

    public func liveAlertCounts() async throws(StoreError) -> [AlertSeverity: Int] {
        try await withConnection("count alerts") { connection in
            var counts: [AlertSeverity: Int] = [:]
            for try await (severity, count) in try await connection.query(
                "SELECT severity, COUNT(*) FROM alert WHERE state <> 'resolved' GROUP BY severity", logger: self.logger
            ).decode((String, Int64).self) {
                if let level = AlertSeverity(rawValue: severity) { counts[level] = Int(count) }
            }
            return counts
        }
    }

    /// Claims due deliveries (the oldest undelivered of each URL) for a minute, so another
    /// collector instance does not send them too.
    public func dueWebhookDeliveries(now: Date, limit: Int) async throws(StoreError) -> [WebhookDelivery] {
        try await transaction("claim due webhook deliveries") { connection in
            var deliveries: [WebhookDelivery] = []
            for try await (id, url, body, attempts) in try await connection.query(
                """
                SELECT id, url, body, attempts FROM webhook_outbox AS o WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= \(now)
                  AND NOT EXISTS (
                    SELECT 1 FROM webhook_outbox AS e WHERE e.url = o.url AND e.delivered_at IS NULL AND e.dead_at IS NULL AND e.id < o.id)
                ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """, logger: self.logger
            ).decode((Int64, String, Data, Int64).self) {
                deliveries.append(WebhookDelivery(id: id, url: url, body: body, attempts: Int(attempts)))
            }
            for delivery in deliveries {
                try await connection.query(
                    "UPDATE webhook_outbox SET next_attempt_at = \(now.addingTimeInterval(60)) WHERE id = \(delivery.id)", logger: self.logger)
            }
            return deliveries
        }
    }

    public func markWebhookDelivered(id: Int64, at time: Date) async throws(StoreError) {
        try await withConnection("mark webhook delivery \(id)") { connection in
            try await connection.query("UPDATE webhook_outbox SET delivered_at = \(time), attempts = attempts + 1 WHERE id = \(id)", logger: self.logger)
        }
    }

    public func markWebhookFailed(id: Int64, error: String, next: Date) async throws(StoreError) {
        try await withConnection("reschedule webhook delivery \(id)") { connection in
            try await connection.query(
                "UPDATE webhook_outbox SET attempts = attempts + 1, last_error = \(error), next_attempt_at = \(next) WHERE id = \(id)", logger: self.logger)
        }
    }

    public func markWebhookDead(id: Int64, error: String, at time: Date) async throws(StoreError) {
        try await withConnection("move webhook delivery \(id) to the dead letters") { connection in
            try await connection.query(
                "UPDATE webhook_outbox SET attempts = attempts + 1, last_error = \(error), dead_at = \(time) WHERE id = \(id)", logger: self.logger)
        }
    }

    public func webhookDeliveries(state: WebhookDeliveryState, limit: Int) async throws(StoreError) -> [WebhookDeliveryRecord] {
        try await withConnection("list webhook deliveries") { connection in
            var records: [WebhookDeliveryRecord] = []
            let rows = try await connection.query(
                """
                SELECT id, alert_id, event, url, attempts, created_at, delivered_at, dead_at, last_error FROM webhook_outbox
                WHERE (\(state.rawValue) = 'pending' AND delivered_at IS NULL AND dead_at IS NULL)
                   OR (\(state.rawValue) = 'delivered' AND delivered_at IS NOT NULL)
                   OR (\(state.rawValue) = 'dead' AND dead_at IS NOT NULL AND delivered_at IS NULL)
                ORDER BY id DESC LIMIT \(limit)
                """, logger: self.logger)
            for try await (id, alert, event, url, attempts, created, delivered, dead, error) in rows.decode(
                (Int64, Int64, String, String, Int64, Date, Date?, Date?, String?).self)
            {
                records.append(WebhookDeliveryRecord(
                    id: id, alertID: alert, event: event, url: url, attempts: Int(attempts), createdAt: created, deliveredAt: delivered, deadAt: dead,
                    lastError: error))
            }
            return records
        }
    }

    public func resendWebhook(id: Int64, at time: Date) async throws(StoreError) -> Bool {
        try await withConnection("re-send webhook delivery \(id)") { connection in
            var found = false
            for try await _ in try await connection.query(
                """
                UPDATE webhook_outbox SET dead_at = NULL, attempts = 0, next_attempt_at = \(time)
                WHERE id = \(id) AND dead_at IS NOT NULL AND delivered_at IS NULL RETURNING id
                """, logger: self.logger
            ).decode(Int64.self) {
                found = true
            }
            return found
        }
    }

    /// The device's open and acknowledged alerts.
    static func liveAlerts(_ key: MonitorKey, _ connection: PostgresConnection, _ logger: Logger) async throws -> [Alert] {
        var live: [Alert] = []
        for try await row in try await connection.query(
            "SELECT * FROM alert WHERE model = \(key.model) AND device_class = \(key.deviceClass) AND device = \(key.device) AND state <> 'resolved'",
            logger: logger) { if let alert = try alert(row.makeRandomAccess()) { live.append(alert) } }
        return live
    }

    static func fetchAlert(_ id: Int64, _ connection: PostgresConnection, _ logger: Logger) async throws -> Alert? {
        var found: Alert?
        for try await row in try await connection.query("SELECT * FROM alert WHERE id = \(id)", logger: logger) { found = try alert(row.makeRandomAccess()) }
        return found
    }

    static func alert(_ row: PostgresRandomAccessRow) throws -> Alert? {
        guard let rule = MonitorRule(rawValue: try row["rule"].decode(String.self)),
              let severity = AlertSeverity(rawValue: try row["severity"].decode(String.self)),
              let state = AlertState(rawValue: try row["state"].decode(String.self))
        else { return nil }
        let finding: MonitorFinding = try decodeJSON(row["finding_json"].decode(String.self))
        return Alert(
            id: try row["id"].decode(Int64.self), rule: rule, severity: severity,
            key: MonitorKey(model: try row["model"].decode(String.self), deviceClass: try row["device_class"].decode(String.self), device: try row["device"].decode(String.self)),
            state: state, finding: finding, openedAt: try row["opened_at"].decode(Date.self), lastSeenAt: try row["last_seen_at"].decode(Date.self),
            resolvedAt: try row["resolved_at"].decode(Date?.self), acknowledgedBy: try row["acknowledged_by"].decode(String?.self),
            acknowledgedAt: try row["acknowledged_at"].decode(Date?.self), occurrences: Int(try row["occurrences"].decode(Int64.self)),
            firstRunID: try row["first_run_id"].decode(Int64.self), lastRunID: try row["last_run_id"].decode(Int64.self),
            resolvedByRunID: try row["resolved_by_run_id"].decode(Int64?.self))
    }
}
