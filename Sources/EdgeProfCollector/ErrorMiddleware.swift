import Hummingbird
import Logging

/// Turns every failure into the API's JSON error: Hummingbird's own (404, 405, 413) get a message
/// that says what to do; anything unexpected is logged and answered 500 without internals.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as any HTTPResponseError {
            throw Self.translate(error.status, request)
        } catch {
            logger.error("unexpected failure on \(request.method) \(request.uri.path): \(error)")
            throw APIError(.internalServerError, "internal", "the collector failed unexpectedly; the failure is in its log")
        }
    }

    static func translate(_ status: HTTPResponse.Status, _ request: Request) -> APIError {
        switch status {
        case .notFound:
            APIError(.notFound, "no-such-route", "no route \(request.method) \(request.uri.path); the routes are listed at /openapi.json")
        case .methodNotAllowed:
            APIError(.methodNotAllowed, "method-not-allowed", "\(request.uri.path) does not take \(request.method); see /openapi.json")
        case .contentTooLarge:
            APIError(.contentTooLarge, "body-too-large", "the request body is larger than the collector accepts; split the upload or raise --max-body")
        default:
            APIError(status, "http-\(status.code)", status.reasonPhrase)
        }
    }
}
