/// One side of a drift comparison: numbers (latencies, energies, scores) or categories (labels, token classes).
public enum DriftSample: Sendable, Equatable {
    case numeric([Double])
    case categorical([String])

    public var count: Int {
        switch self {
        case .numeric(let values): values.count
        case .categorical(let values): values.count
        }
    }

    public var kind: String {
        switch self {
        case .numeric: "numeric"
        case .categorical: "categorical"
        }
    }
}
