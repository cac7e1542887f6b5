import EdgeProfCore
import Foundation
import GRDB

extension SQLiteEvidenceStore {
    public func shadowTelemetry(of candidate: ModelReference, from: Date, to: Date) throws(StoreError) -> ShadowTelemetry {
        try read("read the shadow telemetry of \(candidate)") { db in
            let pairs = try Row.fetchAll(
                db, sql: """
                    SELECT fleet_device.device_class, served.version AS served_version,
                        shadow.prediction, shadow.score, shadow.latency_ms, shadow.energy_mj,
                        served.prediction AS served_prediction, served.score AS served_score, served.latency_ms AS served_latency_ms,
                        served.energy_mj AS served_energy_mj, COALESCE(shadow.label, served.label) AS label, shadow.protected_json, shadow.at
                    FROM inference AS shadow
                    JOIN inference AS served ON served.device = shadow.device AND served.arm IN (\(ShadowQuery.servedArms))
                        AND served.request_id = shadow.request_id AND served.model = shadow.model
                    JOIN fleet_device ON fleet_device.device = shadow.device
                    WHERE shadow.model = ? AND shadow.version = ? AND shadow.arm = 'shadow' AND shadow.at >= ? AND shadow.at <= ?
                    ORDER BY shadow.at, shadow.device, shadow.request_id
                    """, arguments: [candidate.name, candidate.version.description, from.stored, to.stored]
            ).map { row in
                ShadowPair(
                    deviceClass: row["device_class"], servedModel: "\(candidate.name)@\(row["served_version"] as String)",
                    served: ShadowAnswer(
                        prediction: row["served_prediction"], score: row["served_score"], latencyMs: row["served_latency_ms"], energyMillijoules: row["served_energy_mj"]),
                    shadow: ShadowAnswer(prediction: row["prediction"], score: row["score"], latencyMs: row["latency_ms"], energyMillijoules: row["energy_mj"]),
                    label: row["label"], protected: DriftRecordColumns.protected(row["protected_json"]), at: row["at"])
            }
            let any = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM inference WHERE model = ?)", arguments: [candidate.name]) ?? false
            return ShadowTelemetry(pairs: pairs, modelHasTelemetry: any)
        }
    }
}
