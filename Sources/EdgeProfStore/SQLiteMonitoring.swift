import EdgeProfCore
import Foundation
import GRDB

/// Per-device monitoring in the collector's SQLite store: history for the checks, alerts and
/// the webhook outbox, each change in one transaction.
extension SQLiteCollectorStore {
    public func monitorHistory(_ key: MonitorKey, runID: Int64, baselineRuns: Int, recentRuns: Int) async throws(StoreError) -> (baseline: [StoredRun], recent: [StoredRun])? {
        guard let reference = try? ModelReference(parsing: key.model) else { return nil }
        let (board, serial) = key.boardAndSerial
        return try await read("read the history of \(key)") { db -> (baseline: [StoredRun], recent: [StoredRun])? in
            guard let model = try SQLiteEvidenceStore.fetchModel(reference, db) else { return nil }
            let device = "model_version_id = ? AND device_class = ? AND board = ? AND serial = ?"
            let arguments: StatementArguments = [model.id, key.deviceClass, board, serial]
            let pinned = try String.fetchOne(db.cachedStatement(sql: "SELECT run_ids_json FROM baseline_pin WHERE model = ? AND device_class = ? AND device = ?"),
                arguments: [key.model, key.deviceClass, key.device]
            ).map { (json: String) throws -> [Int64] in try JSONColumn.decode(json) }
            let baselineIDs = try pinned.map { ids in
                try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM run WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id"), arguments: [try JSONColumn.encode(ids)])
            } ?? Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM run WHERE \(device) AND status = 'complete' ORDER BY id LIMIT ?"),
                arguments: arguments + [baselineRuns])
            if baselineIDs.contains(runID) { return nil }
            let recentIDs = try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM run WHERE \(device) AND id <= ? ORDER BY id DESC LIMIT ?"),
                arguments: arguments + [runID, recentRuns])
            let baseline = try baselineIDs.map { try self.monitorRun($0, model: reference, db) }
            let recent = try recentIDs.reversed().map { try self.monitorRun($0, model: reference, db) }
            return (baseline, recent)
        }
    }

    /// Run `id` without its token rows, decoded once and then kept: stored runs never change.
    private func monitorRun(_ id: Int64, model: ModelReference, _ db: Database) throws -> StoredRun {
        if let cached = monitorRuns.run(id) { return cached }
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM run WHERE id = ?"), arguments: [id]) else {
            throw StoreError.failed(location: location, operation: "read run \(id) for the monitor", reason: "the run vanished while it was read")
        }
        let run = try SQLiteEvidenceStore.storedRun(from: row, model: model, db, tokens: false)
        monitorRuns.keep(run)
        return run
    }

    public func pinBaseline(_ pin: BaselinePin) async throws(StoreError) {
        try await write("pin the baseline of \(pin.key)") { db in
            try db.execute(
                sql: """
                    INSERT INTO baseline_pin (model, device_class, device, run_ids_json, pinned_by, pinned_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (model, device_class, device) DO UPDATE SET
                        run_ids_json = excluded.run_ids_json, pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at, reason = excluded.reason
                    """,
                arguments: [pin.key.model, pin.key.deviceClass, pin.key.device, try JSONColumn.encode(pin.runIDs), pin.pinnedBy, pin.pinnedAt.stored, pin.reason])
        }
    }

    public func unpinBaseline(_ key: MonitorKey) async throws(StoreError) -> Bool {
        try await write("unpin the baseline of \(key)") { db in
            try db.execute(
                sql: "DELETE FROM baseline_pin WHERE model = ? AND device_class = ? AND device = ?", arguments: [key.model, key.deviceClass, key.device])
            return db.changesCount > 0
        }
    }

    public func baselinePins() async throws(StoreError) -> [BaselinePin] {
        try await read("list pinned baselines") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM baseline_pin ORDER BY model, device_class, device").map { row in
                BaselinePin(
                    key: MonitorKey(model: row["model"], deviceClass: row["device_class"], device: row["device"]),
                    runIDs: try JSONColumn.decode(row["run_ids_json"]), pinnedBy: row["pinned_by"], pinnedAt: row["pinned_at"], reason: row["reason"])
            }
        }
    }

    public func applyFindings(_ findings: [MonitorFinding], key: MonitorKey, runID: Int64, at time: Date, webhooks: [WebhookTarget]) async throws(StoreError) -> [AlertEvent] {
        // Every upload ends here: its findings share transactions with the uploads and findings
        // arriving with it (group commit) instead of waiting for an fsync each.
        try await batcher.submit("update the alerts of \(key)") { db in
            if runID != Alert.noRun {
                try db.cachedStatement(sql: "INSERT INTO run_finding (run_id, json) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET json = excluded.json").execute(
                    arguments: [runID, try JSONColumn.encode(findings)])
            }
            let changes = AlertPlanner.plan(findings: findings, live: try Self.liveAlerts(key, db))
            var events: [AlertEvent] = []
            for finding in changes.opened {
                try db.cachedStatement(sql: """
                        INSERT INTO alert (rule, severity, model, device_class, device, state, finding_json, opened_at, last_seen_at,
                            occurrences, first_run_id, last_run_id)
                        VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, 1, ?, ?)
                        """).execute(
                    arguments: [finding.rule.rawValue, finding.severity.rawValue, key.model, key.deviceClass, key.device,
                                try JSONColumn.encode(finding), time.stored, time.stored, runID, runID])
                if let alert = try Self.fetchAlert(db.lastInsertedRowID, db) { events.append(AlertEvent(event: "alert.opened", alert: alert)) }
            }
            for (id, finding) in changes.refreshed {
                try db.cachedStatement(sql: "UPDATE alert SET finding_json = ?, last_seen_at = ?, occurrences = occurrences + 1, last_run_id = ? WHERE id = ?").execute(
                    arguments: [try JSONColumn.encode(finding), time.stored, runID, id])
            }
            for id in changes.resolved {
                try db.cachedStatement(sql: "UPDATE alert SET state = 'resolved', resolved_at = ?, resolved_by_run_id = ? WHERE id = ?").execute(
                    arguments: [time.stored, runID, id])
                if let alert = try Self.fetchAlert(id, db) { events.append(AlertEvent(event: "alert.resolved", alert: alert)) }
            }
            for event in events {
                let body = try JSONCoding.encoder.encode(event)
                for webhook in webhooks where webhook.wants(event.alert.severity) {
                    try db.cachedStatement(sql: "INSERT INTO webhook_outbox (alert_id, event, url, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)").execute(
                        arguments: [event.alert.id, event.event, webhook.url, body, time.stored, time.stored])
                }
            }
            return events
        }
    }

    public func alerts(state: AlertState?, limit: Int) async throws(StoreError) -> [Alert] {
        try await read("list alerts") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM alert WHERE (? IS NULL OR state = ?) ORDER BY id DESC LIMIT ?",
                arguments: [state?.rawValue, state?.rawValue, limit]
            ).compactMap(Self.alert(from:))
        }
    }

    public func alerts(model: String, openedSince since: Date) async throws(StoreError) -> [Alert] {
        try await read("list the alerts of \(model)") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM alert WHERE model = ? AND opened_at >= ? ORDER BY opened_at, id", arguments: [model, since.stored]
            ).compactMap(Self.alert(from:))
        }
    }

    public func alert(id: Int64) async throws(StoreError) -> Alert? {
        try await read("read alert \(id)") { db in try Self.fetchAlert(id, db) }
    }

    public func findings(runID: Int64) async throws(StoreError) -> [MonitorFinding]? {
        try await read("read the findings of run \(runID)") { db in
            try String.fetchOne(db, sql: "SELECT json FROM run_finding WHERE run_id = ?", arguments: [runID]).map { try JSONColumn.decode($0) }
        }
    }

    public func liveAlertCounts() async throws(StoreError) -> [AlertSeverity: Int] {
        try await read("count alerts") { db in
            var counts: [AlertSeverity: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT severity, COUNT(*) AS n FROM alert WHERE state != 'resolved' GROUP BY severity") {
                if let severity = AlertSeverity(rawValue: row["severity"]) { counts[severity] = row["n"] }
            }
            return counts
        }
    }

    public func dueWebhookDeliveries(now: Date, limit: Int) async throws(StoreError) -> [WebhookDelivery] {
        try await read("read due webhook deliveries") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM webhook_outbox AS o WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= ?
                      AND NOT EXISTS (
                        SELECT 1 FROM webhook_outbox AS e WHERE e.url = o.url AND e.delivered_at IS NULL AND e.dead_at IS NULL AND e.id < o.id)
                    ORDER BY id LIMIT ?
                    """,
                arguments: [now.stored, limit]
            ).map { WebhookDelivery(id: $0["id"], url: $0["url"], body: $0["body"], attempts: $0["attempts"]) }
        }
    }

    public func markWebhookDelivered(id: Int64, at time: Date) async throws(StoreError) {
        try await write("mark webhook delivery \(id)") { db in
            try db.execute(sql: "UPDATE webhook_outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?", arguments: [time.stored, id])
        }
    }

    public func markWebhookFailed(id: Int64, error: String, next: Date) async throws(StoreError) {
        try await write("reschedule webhook delivery \(id)") { db in
            try db.execute(
                sql: "UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                arguments: [error, next.stored, id])
        }
    }

    public func markWebhookDead(id: Int64, error: String, at time: Date) async throws(StoreError) {
        try await write("move webhook delivery \(id) to the dead letters") { db in
            try db.execute(
                sql: "UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ?, dead_at = ? WHERE id = ?", arguments: [error, time.stored, id])
        }
    }

    public func webhookDeliveries(state: WebhookDeliveryState, limit: Int) async throws(StoreError) -> [WebhookDeliveryRecord] {
        let condition = switch state {
        case .pending: "delivered_at IS NULL AND dead_at IS NULL"
        case .delivered: "delivered_at IS NOT NULL"
        case .dead: "dead_at IS NOT NULL AND delivered_at IS NULL"
        }
        return try await read("list webhook deliveries") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhook_outbox WHERE \(condition) ORDER BY id DESC LIMIT ?", arguments: [limit]).map { row in
                WebhookDeliveryRecord(
                    id: row["id"], alertID: row["alert_id"], event: row["event"], url: row["url"], attempts: row["attempts"], createdAt: row["created_at"],
                    deliveredAt: row["delivered_at"], deadAt: row["dead_at"], lastError: row["last_error"])
            }
        }
    }

    public func resendWebhook(id: Int64, at time: Date) async throws(StoreError) -> Bool {
        try await write("re-send webhook delivery \(id)") { db in
            try db.execute(
                sql: "UPDATE webhook_outbox SET dead_at = NULL, attempts = 0, next_attempt_at = ? WHERE id = ? AND dead_at IS NOT NULL AND delivered_at IS NULL",
                arguments: [time.stored, id])
            return db.changesCount == 1
        }
    }

    /// The device's open and acknowledged alerts.
    static func liveAlerts(_ key: MonitorKey, _ db: Database) throws -> [Alert] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM alert WHERE model = ? AND device_class = ? AND device = ? AND state != 'resolved'"),
            arguments: [key.model, key.deviceClass, key.device]
        ).compactMap(alert(from:))
    }

    static func fetchAlert(_ id: Int64, _ db: Database) throws -> Alert? {
        try Row.fetchOne(db, sql: "SELECT * FROM alert WHERE id = ?", arguments: [id]).flatMap(alert(from:))
    }

    static func alert(from row: Row) -> Alert? {
        guard let rule = MonitorRule(rawValue: row["rule"]), let severity = AlertSeverity(rawValue: row["severity"]),
              let state = AlertState(rawValue: row["state"]),
              let finding: MonitorFinding = try? JSONColumn.decode(row["finding_json"])
        else { return nil }
        return Alert(
            id: row["id"], rule: rule, severity: severity,
            key: MonitorKey(model: row["model"], deviceClass: row["device_class"], device: row["device"]), state: state, finding: finding,
            openedAt: row["opened_at"], lastSeenAt: row["last_seen_at"], resolvedAt: row["resolved_at"],
            acknowledgedBy: row["acknowledged_by"], acknowledgedAt: row["acknowledged_at"], occurrences: row["occurrences"],
            firstRunID: row["first_run_id"], lastRunID: row["last_run_id"], resolvedByRunID: row["resolved_by_run_id"])
    }
}
