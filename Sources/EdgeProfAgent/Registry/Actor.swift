import Foundation

/// Who is acting, for the audit trail: `--actor`, else $EDGEPROF_ACTOR, else the login name.
public enum Actor {
    public static func current(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let configured = environment["EDGEPROF_ACTOR"], !configured.isEmpty { return configured }
        return NSUserName()
    }
}
