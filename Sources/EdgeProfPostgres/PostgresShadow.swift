import EdgeProfCore
import Foundation
import PostgresNIO

extension PostgresRegistryStore {
    public func shadowTelemetry(of candidate: ModelReference, from: Date, to: Date) async throws(StoreError) -> ShadowTelemetry {
        let logger = database.logger
        return try await database.withConnection("read the shadow telemetry of \(candidate)") { connection in
            let rows = try await connection.query(
                """
                SELECT fleet_device.device_class, served.version, shadow.prediction, shadow.score, shadow.latency_ms, shadow.energy_mj,
                    served.prediction, served.score, served.latency_ms, served.energy_mj, COALESCE(shadow.label, served.label),
                    shadow.protected_json, shadow.at
                FROM inference AS shadow
                JOIN inference AS served ON served.device = shadow.device AND served.arm IN (\(unescaped: ShadowQuery.servedArms))
                    AND served.request_id = shadow.request_id AND served.model = shadow.model
                JOIN fleet_device ON fleet_device.device = shadow.device
                WHERE shadow.model = \(candidate.name) AND shadow.version = \(candidate.version.description) AND shadow.arm = 'shadow'
                    AND shadow.at >= \(from) AND shadow.at <= \(to)
                ORDER BY shadow.at, shadow.device, shadow.request_id
                """, logger: logger)
            var pairs: [ShadowPair] = []
            for try await (deviceClass, servedVersion, prediction, score, latency, energy, servedPrediction, servedScore, servedLatency, servedEnergy, label, protected, at)
                in rows.decode((String, String, String, Double?, Double?, Double?, String, Double?, Double?, Double?, String?, String?, Date).self)
            {
                pairs.append(ShadowPair(
                    deviceClass: deviceClass, servedModel: "\(candidate.name)@\(servedVersion)",
                    served: ShadowAnswer(prediction: servedPrediction, score: servedScore, latencyMs: servedLatency, energyMillijoules: servedEnergy),
                    shadow: ShadowAnswer(prediction: prediction, score: score, latencyMs: latency, energyMillijoules: energy),
                    label: label, protected: DriftRecordColumns.protected(protected), at: at))
            }
            var any = false
            for try await found in try await connection.query("SELECT EXISTS (SELECT 1 FROM inference WHERE model = \(candidate.name))", logger: logger).decode(Bool.self) {
                any = found
            }
            return ShadowTelemetry(pairs: pairs, modelHasTelemetry: any)
        }
    }
}
