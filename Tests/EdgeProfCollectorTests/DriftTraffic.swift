import EdgeProfCore
import EdgeProfSim
import Foundation

/// Days of simulated production telemetry of kws@1.0.0 stored straight into a collector store:
/// two devices on each of two classes, every request labelled, and changes injected on chosen
/// days and classes.
struct DriftTraffic {
    static let classes = ["mcu-m4", "mcu-m7"]
    /// A Monday, so weeks and days line up the same way in every run.
    static let start = Date(timeIntervalSince1970: 1_788_739_200)  // 2026-09-07T00:00:00Z
    static func day(_ number: Int) -> Date { start.addingTimeInterval(Double(number) * 86_400) }

    var requestsPerDevicePerDay = 300
    /// Changes by day: the effect and the class it touches.
    var effects: [Int: [(InjectedDrift, String)]] = [:]

    static func devices() -> [(identity: String, serial: String, deviceClass: String)] {
        classes.flatMap { deviceClass in (1...2).map { ("b:\(deviceClass)-\($0)", "\(deviceClass)-\($0)", deviceClass) } }
    }

    /// Makes the fleet know the four devices (a device is known from its first run).
    static func enroll(_ store: any CollectorStore) async throws {
        for device in devices() {
            var upload = Uploads.upload(bench: "bench-1")
            upload.run.board.serial = device.serial
            upload.context.deviceClass = device.deviceClass
            _ = try await store.ingest(upload, contentSHA256: upload.contentSHA256)
        }
    }

    /// Stores the telemetry of days `days` and its labels.
    func send(_ days: Range<Int>, to store: any CollectorStore) async throws {
        for number in days {
            for device in Self.devices() {
                var random = SplitMix64(seed: UInt64(number) &* 7919 ^ SimulatedOutput.fnv1a(device.identity))
                let injected = (effects[number] ?? []).filter { $0.1 == device.deviceClass }.map(\.0)
                var records: [InferenceRecord] = []
                var labels: [InferenceLabel] = []
                for index in 0..<requestsPerDevicePerDay {
                    let request = SimulatedTraffic.request(errorRate: 0.1, effects: injected, random: &random)
                    let id = "\(device.serial)-\(number)-\(index)"
                    let at = Self.day(number).addingTimeInterval(Double(index) * 86_400 / Double(requestsPerDevicePerDay + 1) + 1)
                    records.append(InferenceRecord(
                        device: device.identity, model: "kws@1.0.0", arm: .production, requestID: id, at: at, prediction: request.prediction,
                        score: request.score, latencyMs: 12, protected: request.protected, features: request.features))
                    labels.append(InferenceLabel(model: "kws", requestID: id, label: request.label, at: at))
                }
                _ = try await store.ingestInferences(
                    InferenceBatch(batchKey: "\(device.serial)-\(number)", records: records), bench: "bench-1", contentSHA256: UUID().uuidString, at: Date())
                _ = try await store.attachLabels(InferenceLabelBatch(labels: labels), bench: "bench-1")
            }
        }
    }
}
