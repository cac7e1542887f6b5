import EdgeProfCore
import Foundation

/// A change injected into simulated production traffic, to see the drift checks catch it
/// (issue 15 "Done when"). Each touches one thing: the inputs, the truth, the relation between
/// them, the scores, or one group's errors.
public enum InjectedDrift: Sendable, Hashable {
    /// Feature `feature` moves by `sigmas` of its own spread (data drift).
    case featureShift(feature: String, sigmas: Double)
    /// The true label is `label` for an extra `share` of requests (label drift); the model keeps
    /// its accuracy, so its answers follow.
    case labelShift(label: String, share: Double)
    /// The model is wrong more often than its scores say, by `extraErrorRate` (concept drift).
    case conceptChange(extraErrorRate: Double)
    /// Scores move by `by` while the answers stay as right as before (prediction drift).
    case scoreShift(by: Double)
    /// Requests of one protected group get `extraErrorRate` more wrong answers (fairness drift).
    case groupErrorIncrease(attribute: String, group: String, extraErrorRate: Double)
}

/// Simulated production requests of a classifier with four classes: two protected attributes
/// (gender, age_group), three features (`signal`, `noise`, `load`), and calibrated scores (the
/// chance an answer is right is its score, so the expected calibration error is small). Pure and
/// seeded: the same random state and effects give the same requests.
public enum SimulatedTraffic {
    public static let classes = ["class-0", "class-1", "class-2", "class-3"]
    public static let genders = ["female", "male"]
    public static let ageGroups = ["18-29", "30-49", "50+"]

    /// One request: what the device answered and what turned out true.
    public struct Request: Sendable, Hashable {
        public var prediction: String
        public var label: String
        public var score: Double
        public var protected: [String: String]
        public var features: [String: Double]
    }

    /// Draws one request of a model whose answers are wrong `errorRate` of the time (0 to 0.5), under `effects`.
    public static func request(errorRate: Double, effects: [InjectedDrift], random: inout SplitMix64) -> Request {
        let protected = ["gender": genders[Int(random.next() % 2)], "age_group": ageGroups[Int(random.next() % 3)]]
        var features = ["signal": random.nextGaussian(), "noise": 5 + 2 * random.nextGaussian(), "load": random.nextUnit()]
        var truth = classes[Int(random.next() % 4)]
        // Calibrated: the score is the chance the answer is right, spread evenly around 1 − errorRate.
        let spread = min(max(errorRate, 0), 0.5)
        var score = 1 - 2 * spread * random.nextUnit()
        var rightChance = score
        let draw = random.nextUnit()
        for effect in effects {
            switch effect {
            case .featureShift(let name, let sigmas):
                let spreadOfFeature = name == "noise" ? 2.0 : name == "load" ? 0.29 : 1.0
                features[name, default: 0] += sigmas * spreadOfFeature
            case .labelShift(let label, let share):
                if draw < share { truth = label }
            case .conceptChange(let extra):
                rightChance -= extra
            case .scoreShift(let by):
                score = min(max(score + by, 0), 1)
            case .groupErrorIncrease(let attribute, let group, let extra):
                if protected[attribute] == group { rightChance -= extra }
            }
        }
        let right = random.nextUnit() < rightChance
        let truthIndex = classes.firstIndex(of: truth) ?? 0
        let prediction = right ? truth : classes[(truthIndex + 1 + Int(random.next() % 3)) % 4]
        return Request(prediction: prediction, label: truth, score: score, protected: protected, features: features)
    }

    /// Another version's answer to the same request, run beside the served one in shadow: right
    /// `1 − errorRate` of the time on the same truth, with its own calibrated score. The request's
    /// injected effects stay with the request (they touch the inputs and the truth), not with this
    /// version's answers.
    public static func shadowAnswer(to request: Request, errorRate: Double, random: inout SplitMix64) -> (prediction: String, score: Double) {
        let spread = min(max(errorRate, 0), 0.5)
        let score = 1 - 2 * spread * random.nextUnit()
        let right = random.nextUnit() < score
        let truthIndex = classes.firstIndex(of: request.label) ?? 0
        return (right ? request.label : classes[(truthIndex + 1 + Int(random.next() % 3)) % 4], score)
    }
}
