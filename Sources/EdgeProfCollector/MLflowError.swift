import EdgeProfAgent
import EdgeProfCore
import Foundation
import HTTPTypes
import Hummingbird

/// An answer in MLflow's error shape, `{"error_code": "…", "message": "…"}`, with the status
/// MLflow's server gives that code. The message is EdgeProf's reason and its fix.
struct MLflowError: HTTPResponseError, Sendable {
    var code: String
    var message: String
    var status: HTTPResponse.Status
    var retryAfterSeconds: Int?
    /// What only the collector's log may hear (a database error): never sent.
    var logDetail: String?

    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
        status = Self.status(of: code)
    }

    static func status(of code: String) -> HTTPResponse.Status {
        switch code {
        case "RESOURCE_DOES_NOT_EXIST", "ENDPOINT_NOT_FOUND": .notFound
        case "PERMISSION_DENIED": .forbidden
        case "UNAUTHENTICATED": .unauthorized
        case "REQUEST_LIMIT_EXCEEDED": .tooManyRequests
        case "TEMPORARILY_UNAVAILABLE": .serviceUnavailable
        case "INTERNAL_ERROR": .internalServerError
        default: .badRequest
        }
    }

    static func invalid(_ message: String) -> MLflowError { MLflowError("INVALID_PARAMETER_VALUE", message) }
    static func missing(_ message: String) -> MLflowError { MLflowError("RESOURCE_DOES_NOT_EXIST", message) }

    /// The collector's own refusals (authentication, bodies, governance, the store) in MLflow's terms.
    static func from(_ error: any Error) -> MLflowError {
        if let error = error as? MLflowError { return error }
        if let error = error as? AgentError { return from(GovernanceHandlers.apiError(error)) }
        if let error = error as? MLflowFilterError { return invalid(error.description) }
        if let error = error as? any HTTPResponseError, !(error is APIError) {
            let message = error.status == .contentTooLarge
                ? "the request body is larger than the collector accepts (collector serve --max-body)" : error.status.reasonPhrase
            return from(APIError(error.status, "http-\(error.status.code)", message))
        }
        guard let error = error as? APIError else {
            var failure = MLflowError("INTERNAL_ERROR", "the collector failed to answer; the detail is in its log")
            failure.logDetail = "\(error)"
            return failure
        }
        var answer: MLflowError
        switch (error.status.code, error.code) {
        case (401, _): answer = MLflowError("UNAUTHENTICATED", error.message + " (the MLflow client sends MLFLOW_TRACKING_TOKEN as the bearer token)")
        case (403, _): answer = MLflowError("PERMISSION_DENIED", error.message)
        case (404, _): answer = missing(error.message)
        case (409, "duplicate"): answer = MLflowError("RESOURCE_ALREADY_EXISTS", error.message)
        case (409, "registry-busy"), (503, _): answer = MLflowError("TEMPORARILY_UNAVAILABLE", error.message)
        case (429, _): answer = MLflowError("REQUEST_LIMIT_EXCEEDED", error.message)
        case (408, _), (413, _): answer = invalid(error.message)
        case (500..., _): answer = MLflowError("INTERNAL_ERROR", error.message)
        default: answer = invalid(error.message)
        }
        if [408, 413].contains(error.status.code) { answer.status = error.status }
        answer.retryAfterSeconds = error.retryAfterSeconds
        answer.logDetail = error.logDetail
        return answer
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        MLflowEncoding.response(MLflowWire.ErrorBody(errorCode: code, message: message), status: status, retryAfter: retryAfterSeconds)
    }
}

/// MLflow's JSON: snake_case keys both ways; unknown request fields are ignored, as MLflow's
/// server ignores them (newer clients send fields older servers do not know).
enum MLflowEncoding {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, retryAfter: Int? = nil) -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data(#"{"error_code":"INTERNAL_ERROR","message":"the answer could not be encoded"}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ body: Data?) throws(MLflowError) -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do { return try decoder.decode(T.self, from: body ?? Data("{}".utf8)) } catch {
            throw MLflowError.invalid("the request body is not the JSON this endpoint takes: \(Self.describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: "missing field \(key.stringValue)"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted?: "malformed JSON"
        default: "unreadable"
        }
    }
}
