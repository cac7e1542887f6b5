import Foundation

/// A tech_lead's request to deploy a version to production without its approvals and gates.
/// Nothing moves until a second tech_lead confirms it (two-person rule); a request not confirmed
/// within the policy's window expires.
public struct EmergencyRequest: Sendable, Codable, Hashable {
    /// Where a request stands.
    public enum State: String, Sendable, Codable {
        case pending
        case confirmed
        case declined
    }

    /// Store-assigned; 0 until stored.
    public var id: Int64
    public var reference: ModelReference
    public var requestedBy: String
    public var requestedAt: Date
    /// The end of the confirmation window the policy in force gave when it was requested.
    public var expiresAt: Date
    public var reason: String
    /// Who was told of the emergency (the escalation record).
    public var informed: [String]
    /// The model is halted and the deployment lifts the halt in the same act.
    public var liftsHalt: Bool
    public var state: State
    /// The second tech_lead who confirmed or declined, when and why.
    public var decidedBy: String?
    public var decidedAt: Date?
    public var decisionReason: String?

    public init(
        id: Int64 = 0, reference: ModelReference, requestedBy: String, requestedAt: Date, expiresAt: Date, reason: String, informed: [String],
        liftsHalt: Bool, state: State = .pending, decidedBy: String? = nil, decidedAt: Date? = nil, decisionReason: String? = nil
    ) {
        self.id = id
        self.reference = reference
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.expiresAt = expiresAt
        self.reason = reason
        self.informed = informed
        self.liftsHalt = liftsHalt
        self.state = state
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.decisionReason = decisionReason
    }

    /// Pending and still inside its confirmation window at `now`.
    public func isOpen(at now: Date) -> Bool {
        state == .pending && now < expiresAt
    }
}

/// The second tech_lead's answer to an emergency request.
public struct EmergencyDecision: Sendable, Hashable {
    public var requestID: Int64
    public var reference: ModelReference
    public var state: EmergencyRequest.State
    public var actor: String
    public var at: Date
    public var reason: String

    public init(requestID: Int64, reference: ModelReference, state: EmergencyRequest.State, actor: String, at: Date, reason: String) {
        self.requestID = requestID
        self.reference = reference
        self.state = state
        self.actor = actor
        self.at = at
        self.reason = reason
    }
}
