/// What both stores' shadow queries share: the arms a device serves a request on, beside which
/// its shadow answers the same request.
public enum ShadowQuery {
    public static let servedArms = InferenceArm.allCases.filter { $0 != .shadow }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
}
