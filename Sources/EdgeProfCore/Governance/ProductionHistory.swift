import struct Foundation.Date

/// Answers "which version of model M was in production at time T" from the recorded stage
/// transitions and halts. Pure.
public struct ProductionHistory: Sendable {
    /// What served at one moment.
    public struct Answer: Sendable, Hashable, Codable {
        public var model: String
        public var at: Date
        /// The version in a serving stage at that moment, if any.
        public var version: ModelReference?
        /// Since when it served (its last entry into production before `at`).
        public var since: Date?
        /// The model was halted at that moment: nothing was served, whatever `version` says.
        public var halted: Bool
    }

    public let model: String
    public let transitions: [StageTransition]
    public let halts: [HaltEvent]

    public init(model: String, transitions: [StageTransition], halts: [HaltEvent]) {
        self.model = model
        self.transitions = transitions
        self.halts = halts
    }

    public func serving(at moment: Date) -> Answer {
        var version: ModelReference?
        var since: Date?
        for transition in transitions where transition.at <= moment {
            if transition.to == .production, !(transition.from?.isServing ?? false) {
                version = transition.reference
                since = transition.at
            } else if transition.reference == version, !transition.to.isServing {
                version = nil
                since = nil
            }
        }
        let halted = halts.last { $0.at <= moment }?.halted ?? false
        return Answer(model: model, at: moment, version: version, since: since, halted: halted)
    }
}
