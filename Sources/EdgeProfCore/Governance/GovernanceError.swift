/// Why the registry refused an act. Each message names the problem and what to do instead;
/// the case decides the exit code.
public enum GovernanceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Malformed input: a bad role, stage, date or metadata field.
    case invalid(String)
    /// The actor is unknown or lacks the role, or separation of duties forbids the act.
    case notPermitted(String)
    /// The lifecycle does not allow the move from the version's current stage.
    case illegalMove(String)
    /// A guard of the move does not hold: a gate, an approval or evidence is missing.
    case blocked(String, outcome: GateOutcome)
    /// No such model, version, record or attachment.
    case notFound(String)
    /// The version is already registered: versions are immutable.
    case duplicate(String)
    /// The artifact on disk is missing or is not the registered one.
    case artifactMismatch(String)

    public var description: String {
        switch self {
        case .invalid(let message), .notPermitted(let message), .illegalMove(let message), .notFound(let message),
            .artifactMismatch(let message), .duplicate(let message):
            message
        case .blocked(let message, _): message
        }
    }
}
