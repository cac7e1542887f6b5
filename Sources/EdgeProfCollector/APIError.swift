import EdgeProfCore
import Foundation
import HTTPTypes
import Hummingbird

/// Every error the API answers, as JSON: `{"error": {"status": 422, "code": "unknown-model", "message": "…"}}`.
/// The message says what was wrong and how to fix it.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// What only the collector's log may hear (a database path, a SQL error): never sent.
    public var logDetail: String?
    /// Sent as `Retry-After` (a throttled source).
    public var retryAfterSeconds: Int?
    /// Sent as `Allow` (a 405 on a path that exists).
    public var allowedMethods: [String]?
    /// Why credentials were refused (401, 403), for the metrics.
    public var accessReason: String?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, logDetail: String? = nil, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.logDetail = logDetail
        self.retryAfterSeconds = retryAfterSeconds
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = APIErrorBody(status: status.code, code: code, message: message)
        let data = (try? JSONCoding.encoder.encode(body)) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        if let allowedMethods { headers[.allow] = allowedMethods.joined(separator: ", ") }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func badRequest(_ failure: StrictJSON.Failure) -> APIError {
        switch failure {
        case .malformed: APIError(.badRequest, "malformed-json", failure.description)
        case .wrongShape: APIError(.badRequest, "invalid-body", failure.description)
        case .unknownField: APIError(.badRequest, "unknown-field", failure.description)
        }
    }

    static func from(_ denial: AccessDenial) -> APIError {
        var error = denial.status == 401
            ? APIError(.unauthorized, "unauthorized", denial.description)
            : APIError(.forbidden, "forbidden", denial.description)
        error.accessReason = denial.reason
        return error
    }

    static func store(_ error: StoreError) -> APIError {
        APIError(
            .serviceUnavailable, "store-unavailable", "the collector's database did not answer (busy, unreachable or failing); retry later. The detail is in the collector's log",
            logDetail: error.description)
    }
}
