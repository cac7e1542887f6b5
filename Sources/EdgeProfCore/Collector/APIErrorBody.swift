import Foundation

/// Every error the collector's API answers, as it travels: `{"error": {"status", "code",
/// "message"}}`. The collector writes it; agents and `edgeprof … --collector` read it.
public struct APIErrorBody: Sendable, Codable, Hashable {
    public struct Detail: Sendable, Codable, Hashable {
        public var status: Int
        public var code: String
        public var message: String

        public init(status: Int, code: String, message: String) {
            self.status = status
            self.code = code
            self.message = message
        }
    }

    public var error: Detail

    public init(status: Int, code: String, message: String) {
        error = Detail(status: status, code: code, message: message)
    }

    /// The error an answer's body carries, or nil when it is not one.
    public static func parse(_ body: Data) -> Detail? {
        (try? JSONDecoder().decode(APIErrorBody.self, from: body))?.error
    }
}
