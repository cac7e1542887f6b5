@testable import EdgeProfCore
import Foundation
import Testing

/// Fairness figures agree with fairlearn 0.15 and calibration errors with the statistics.md
/// definition computed by numpy (Fixtures/generate_fairness.py), within the product's tolerance.
@Suite struct FairnessAndCalibrationTests {
    struct Fixture: Decodable {
        struct Figures: Decodable {
            var dp_difference: Double
            var dp_ratio: Double
            var eo_difference: Double
            var eo_ratio: Double
        }

        struct Rates: Decodable {
            var sr: Double
            var tpr: Double
            var fpr: Double
        }

        struct FairnessCase: Decodable {
            var name: String
            var y_true: [Int]
            var y_pred: [Int]
            var groups: [String]
            var weights: [Double]?
            var between_groups: Figures
            var to_overall: Figures
            var by_group: [String: Rates]
        }

        struct CalibrationCase: Decodable {
            var name: String
            var labels: [Int]
            var probabilities: [Double]
            var ece: Double
            var mce: Double
        }

        var fairness: [FairnessCase]
        var calibration: [CalibrationCase]
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fairness.json")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try! decoder.decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// 1e-9 relative, 1e-12 absolute near zero; NaN where the reference gives NaN.
    func agrees(_ value: Double, _ reference: Double) -> Bool {
        if reference.isNaN { return value.isNaN }
        return abs(value - reference) <= max(1e-12, 1e-9 * abs(reference))
    }

    @Test(arguments: fixture.fairness.map(\.name))
    func fairnessMatchesFairlearn(_ name: String) {
        let reference = Self.fixture.fairness.first { $0.name == name }!
        let metrics = FairnessMetrics(labels: reference.y_true, predictions: reference.y_pred, groups: reference.groups, weights: reference.weights)
        #expect(agrees(metrics.demographicParityDifference, reference.between_groups.dp_difference))
        #expect(agrees(metrics.demographicParityRatio, reference.between_groups.dp_ratio))
        #expect(agrees(metrics.equalizedOddsDifference, reference.between_groups.eo_difference))
        #expect(agrees(metrics.equalizedOddsRatio, reference.between_groups.eo_ratio))
        #expect(agrees(metrics.demographicParityDifferenceToOverall, reference.to_overall.dp_difference))
        #expect(agrees(metrics.demographicParityRatioToOverall, reference.to_overall.dp_ratio))
        #expect(agrees(metrics.equalizedOddsDifferenceToOverall, reference.to_overall.eo_difference))
        #expect(agrees(metrics.equalizedOddsRatioToOverall, reference.to_overall.eo_ratio))
        #expect(Set(metrics.groups.keys) == Set(reference.by_group.keys))
        for (group, rates) in reference.by_group {
            let measured = metrics.groups[group]!
            #expect(agrees(measured.selectionRate, rates.sr), "\(group) selection rate")
            #expect(agrees(measured.truePositiveRate, rates.tpr), "\(group) TPR")
            #expect(agrees(measured.falsePositiveRate, rates.fpr), "\(group) FPR")
        }
    }

    @Test(arguments: fixture.calibration.map(\.name))
    func calibrationMatchesTheDefinition(_ name: String) throws {
        let reference = Self.fixture.calibration.first { $0.name == name }!
        let error = try #require(CalibrationError(labels: reference.labels, probabilities: reference.probabilities))
        #expect(agrees(error.expected, reference.ece))
        #expect(agrees(error.maximum, reference.mce))
    }

    @Test func pythonMinSemanticsForTheEqualizedOddsRatio() {
        #expect(FairnessMetrics.pythonMin(.nan, 0.5).isNaN)
        #expect(FairnessMetrics.pythonMin(0.5, .nan) == 0.5)
        #expect(FairnessMetrics.pythonMin(0.7, 0.5) == 0.5)
        #expect(CalibrationError(labels: [], probabilities: []) == nil)
    }
}

/// The predictions CSV: every malformed input is a precise error, and random bytes never crash.
@Suite struct PredictionTableTests {
    @Test func columnsInAnyOrderWithOptionalOnes() throws {
        let table = try PredictionTable(csv: "group,y_pred,y_true,score\na,1,1,0.9\nb,0,1,0.2\n\n", file: "p.csv")
        #expect(table.labels == [1, 1] && table.predictions == [1, 0])
        #expect(table.scores == [0.9, 0.2] && table.groups == ["a", "b"] && table.weights == nil)
    }

    @Test(arguments: [
        ("", "p.csv: empty predictions file; the first line names the columns (y_true,y_pred,score,group,weight,device_class)"),
        ("y_true,y_pred,label\n", "p.csv:1: unknown column 'label'; columns are y_true, y_pred, score, group, weight, device_class"),
        ("y_true,score\n1,0.5\n", "p.csv:1: the columns y_true and y_pred are required"),
        ("y_true,y_pred\n1\n", "p.csv:2: 1 fields, the header has 2"),
        ("y_true,y_pred\n1,2\n", "p.csv:2: y_pred '2' is not 0 or 1"),
        ("y_true,y_pred,score\n1,1,1.5\n", "p.csv:2: score '1.5' is not a probability between 0 and 1"),
        ("y_true,y_pred,weight\n1,1,-1\n", "p.csv:2: weight '-1' is not a finite number ≥ 0"),
        ("y_true,y_pred,group\n1,1,\n", "p.csv:2: empty group"),
        ("y_true,y_pred\n", "p.csv: no predictions below the header"),
    ])
    func malformedInputIsNamed(_ csv: String, _ message: String) {
        #expect(throws: GovernanceError.invalid(message)) { try PredictionTable(csv: csv, file: "p.csv") }
    }

    @Test func randomBytesNeverCrash() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("01,.\n y_truepdscoregwih-\u{0}é".unicodeScalars)
        for _ in 0..<3000 {
            let text = String(String.UnicodeScalarView((0..<Int.random(in: 0..<80, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
            _ = try? PredictionTable(csv: "y_true,y_pred,score,group\n" + text, file: "fuzz.csv")
            _ = try? PredictionTable(csv: text, file: "fuzz.csv")
        }
    }
}
