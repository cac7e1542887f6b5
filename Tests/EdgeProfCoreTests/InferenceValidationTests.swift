import EdgeProfCore
import Foundation
import Testing

/// Telemetry is checked before anything is written, naming the field (issue 15 §1).
@Suite struct InferenceValidationTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func batch() -> InferenceBatch {
        InferenceBatch(batchKey: "batch-0001", records: [InferenceRecord(
            device: "board:SN1", model: "kws@1.0.0", arm: .production, requestID: "r1", at: Date(timeIntervalSince1970: 1_800_000_000), prediction: "yes",
            score: 0.7, latencyMs: 12, energyMillijoules: 0.5, protected: ["gender": "f"], features: ["rms": 0.3], subject: "u1")])
    }

    @Test func recordsThatCannotBeRightAreNamedByField() {
        #expect(InferenceValidation.problem(in: Self.batch(), now: Self.now) == nil)
        let edits: [(String, (inout InferenceBatch) -> Void)] = [
            ("batchKey", { $0.batchKey = "short" }),
            ("records", { $0.records = [] }),
            ("records[0].device", { $0.records[0].device = "no-serial" }),
            ("records[0].device", { $0.records[0].device = "board:SN\u{0}1" }),
            ("records[0].model", { $0.records[0].model = "kws" }),
            ("records[0].requestID", { $0.records[0].requestID = "" }),
            ("records[0].requestID", { $0.records[0].requestID = String(repeating: "r", count: 129) }),
            ("records[0].prediction", { $0.records[0].prediction = "a\nb" }),
            ("records[0].subject", { $0.records[0].subject = "" }),
            ("records[0].at", { $0.records[0].at = Date(timeIntervalSince1970: -5) }),
            ("records[0].at", { $0.records[0].at = Self.now.addingTimeInterval(86_401) }),
            ("records[0].score", { $0.records[0].score = .nan }),
            ("records[0].latencyMs", { $0.records[0].latencyMs = -1 }),
            ("records[0].energyMillijoules", { $0.records[0].energyMillijoules = .infinity }),
            ("records[0].protected", { $0.records[0].protected = Dictionary(uniqueKeysWithValues: (0..<17).map { ("a\($0)", "x") }) }),
            ("records[0].protected.bad key", { $0.records[0].protected = ["bad key": "x"] }),
            ("records[0].protected.gender", { $0.records[0].protected = ["gender": ""] }),
            ("records[0].features", { $0.records[0].features = Dictionary(uniqueKeysWithValues: (0..<257).map { ("f\($0)", 1.0) }) }),
            ("records[0].features.rms", { $0.records[0].features = ["rms": .nan] }),
            ("records[1].requestID", { $0.records.append($0.records[0]) }),
        ]
        for (field, edit) in edits {
            var batch = Self.batch()
            edit(&batch)
            #expect(InferenceValidation.problem(in: batch, now: Self.now)?.field == field, "\(field): \(String(describing: InferenceValidation.problem(in: batch, now: Self.now)))")
        }
        var otherArm = Self.batch()
        otherArm.records.append(otherArm.records[0])
        otherArm.records[1].arm = .shadow
        #expect(InferenceValidation.problem(in: otherArm, now: Self.now) == nil, "the same request on another arm (its shadow) is another record")
        var tooMany = Self.batch()
        tooMany.records = (0...InferenceValidation.maximumRecords).map { index in
            var record = Self.batch().records[0]
            record.requestID = "r\(index)"
            return record
        }
        #expect(InferenceValidation.problem(in: tooMany, now: Self.now)?.field == "records")
    }

    @Test func labelsAreNamedByField() {
        let good = InferenceLabel(model: "kws", requestID: "r1", label: "yes", at: Date())
        #expect(InferenceValidation.problem(in: InferenceLabelBatch(labels: [good])) == nil)
        #expect(InferenceValidation.problem(in: InferenceLabelBatch(labels: []))?.field == "labels")
        var badModel = good
        badModel.model = "kws@1.0.0"
        #expect(InferenceValidation.problem(in: InferenceLabelBatch(labels: [good, badModel]))?.field == "labels[1].model")
        var badLabel = good
        badLabel.label = ""
        #expect(InferenceValidation.problem(in: InferenceLabelBatch(labels: [badLabel]))?.field == "labels[0].label")
    }
}
