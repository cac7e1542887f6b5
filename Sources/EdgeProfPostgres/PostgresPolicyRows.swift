import EdgeProfCore
import Foundation
import Logging
import PostgresNIO

/// Reads the registry's governance policy versions and their approvals from PostgreSQL, inside
/// a snapshot's transaction; a text that no longer matches its digest is reported as tampered.
enum PostgresPolicyRows {
    static func all(_ connection: PostgresConnection, _ logger: Logger, location: String) async throws -> [PolicyRecord] {
        var approvals: [PolicyApproval] = []
        for try await (version, actor, role, at, reason) in try await connection.query(
            "SELECT version, actor, role, at, reason FROM policy_approval ORDER BY at, version, actor", logger: logger
        ).decode((Int64, String, String, Date, String).self) {
            guard let role = GovernanceRole(rawValue: role) else { continue }
            approvals.append(PolicyApproval(version: Int(clamping: version), actor: actor, role: role, at: at, reason: reason))
        }
        var records: [PolicyRecord] = []
        for try await (version, sha256, state, json) in try await connection.query(
            "SELECT version, sha256, state, json FROM governance_policy ORDER BY version", logger: logger
        ).decode((Int64, String, String, String).self) {
            var record = try CanonicalJSON.decode(PolicyRecord.self, from: json)
            guard record.sha256 == sha256, let state = PolicyRecord.State(rawValue: state) else {
                throw StoreError.failed(location: location, operation: "read policy v\(version)", reason: "its text no longer matches its sha256 (tampered)")
            }
            record.state = state
            record.approvals = approvals.filter { $0.version == record.version }
            records.append(record)
        }
        return records
    }

    static func versionCount(_ connection: PostgresConnection, _ logger: Logger) async throws -> Int {
        for try await count in try await connection.query("SELECT COUNT(*) FROM model_version", logger: logger).decode(Int64.self) {
            return Int(clamping: count)
        }
        return 0
    }
}
