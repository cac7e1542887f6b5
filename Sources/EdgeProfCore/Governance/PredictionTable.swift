/// Labelled predictions of a binary classifier, attached to a version as evidence for the
/// fairness and calibration gates. Read from CSV with a header naming the columns:
/// `y_true`, `y_pred` (0 or 1, required), `score` (probability of class 1), `group` (the
/// sensitive feature), `weight` (sample weight ≥ 0), `device_class` (the class of board the
/// prediction was made on, so fairness is audited per class as well), in any order.
public struct PredictionTable: Sendable, Hashable {
    public var labels: [Int]
    public var predictions: [Int]
    public var scores: [Double]?
    public var groups: [String]?
    public var weights: [Double]?
    public var deviceClasses: [String]?

    public static let columns = ["y_true", "y_pred", "score", "group", "weight", "device_class"]

    /// Parses CSV text; errors name the file, line and column.
    public init(csv: String, file: String) throws(GovernanceError) {
        let lines = csv.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        guard let headerLine = lines.first, !headerLine.trimmingWhitespace.isEmpty else {
            throw .invalid("\(file): empty predictions file; the first line names the columns (\(Self.columns.joined(separator: ",")))")
        }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace }
        for name in header where !Self.columns.contains(name) {
            throw .invalid("\(file):1: unknown column '\(name)'; columns are \(Self.columns.joined(separator: ", "))")
        }
        guard let labelColumn = header.firstIndex(of: "y_true"), let predictionColumn = header.firstIndex(of: "y_pred") else {
            throw .invalid("\(file):1: the columns y_true and y_pred are required")
        }
        let scoreColumn = header.firstIndex(of: "score")
        let groupColumn = header.firstIndex(of: "group")
        let weightColumn = header.firstIndex(of: "weight")
        let classColumn = header.firstIndex(of: "device_class")
        var labels: [Int] = []
        var predictions: [Int] = []
        var scores: [Double] = []
        var groups: [String] = []
        var weights: [Double] = []
        var deviceClasses: [String] = []
        for (offset, line) in lines.enumerated().dropFirst() where !line.trimmingWhitespace.isEmpty {
            let number = offset + 1
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace }
            guard fields.count == header.count else {
                throw .invalid("\(file):\(number): \(fields.count) fields, the header has \(header.count)")
            }
            labels.append(try Self.binary(fields[labelColumn], "y_true", file, number))
            predictions.append(try Self.binary(fields[predictionColumn], "y_pred", file, number))
            if let scoreColumn {
                guard let score = Double(fields[scoreColumn]), (0...1).contains(score) else {
                    throw .invalid("\(file):\(number): score '\(fields[scoreColumn])' is not a probability between 0 and 1")
                }
                scores.append(score)
            }
            if let groupColumn {
                guard !fields[groupColumn].isEmpty else { throw .invalid("\(file):\(number): empty group") }
                groups.append(fields[groupColumn])
            }
            if let weightColumn {
                guard let weight = Double(fields[weightColumn]), weight.isFinite, weight >= 0 else {
                    throw .invalid("\(file):\(number): weight '\(fields[weightColumn])' is not a finite number ≥ 0")
                }
                weights.append(weight)
            }
            if let classColumn {
                guard !fields[classColumn].isEmpty else { throw .invalid("\(file):\(number): empty device_class") }
                deviceClasses.append(fields[classColumn])
            }
        }
        guard !labels.isEmpty else { throw .invalid("\(file): no predictions below the header") }
        self.labels = labels
        self.predictions = predictions
        self.scores = scoreColumn == nil ? nil : scores
        self.groups = groupColumn == nil ? nil : groups
        self.weights = weightColumn == nil ? nil : weights
        self.deviceClasses = classColumn == nil ? nil : deviceClasses
    }

    /// The rows made on `deviceClass` (the whole table when it has no device_class column).
    public func rows(on deviceClass: String) -> PredictionTable {
        guard let deviceClasses else { return self }
        let kept = deviceClasses.indices.filter { deviceClasses[$0] == deviceClass }
        var subset = self
        subset.labels = kept.map { labels[$0] }
        subset.predictions = kept.map { predictions[$0] }
        subset.scores = scores.map { values in kept.map { values[$0] } }
        subset.groups = groups.map { values in kept.map { values[$0] } }
        subset.weights = weights.map { values in kept.map { values[$0] } }
        subset.deviceClasses = kept.map { deviceClasses[$0] }
        return subset
    }

    private static func binary(_ text: String, _ column: String, _ file: String, _ line: Int) throws(GovernanceError) -> Int {
        switch text {
        case "0": 0
        case "1": 1
        default: throw .invalid("\(file):\(line): \(column) '\(text)' is not 0 or 1")
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
