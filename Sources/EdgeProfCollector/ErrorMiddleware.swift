import Hummingbird
import Logging

/// Turns every failure into the API's JSON error: Hummingbird's own (404, 405, 413) get a message
/// that says what to do; anything unexpected is logged and answered 500 without internals.
/// Refused credentials (401, 403), throttled sources (429) and server failures (5xx) are logged
/// and counted.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    let metrics: CollectorMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw record(error, request)
        } catch let error as MLflowError {
            let code = error.status.code
            if code >= 500 || [401, 403, 429].contains(code) {
                metrics.recordRefusal(status: code)
                let line = "\(code) \(error.code) on \(request.method) \(request.uri.path): \(error.logDetail ?? error.message)"
                if code >= 500 { logger.error("\(line)") } else { logger.warning("\(line)") }
            }
            throw error
        } catch let error as any HTTPResponseError {
            if request.uri.path.hasPrefix(MLflowRoute.prefix) {
                throw [.notFound, .methodNotAllowed].contains(error.status)
                    ? MLflowError(
                        "ENDPOINT_NOT_FOUND",
                        "\(request.method) \(request.uri.path) is not part of the MLflow API EdgeProf serves (the model registry and run reads; docs/mlflow.md lists them)")
                    : MLflowError.from(Self.translate(error.status, request))
            }
            throw record(Self.translate(error.status, request), request)
        } catch {
            throw record(
                APIError(.internalServerError, "internal", "the collector failed unexpectedly; the failure is in its log", logDetail: "\(error)"), request)
        }
    }

    private func record(_ error: APIError, _ request: Request) -> APIError {
        let code = error.status.code
        guard [401, 403, 429].contains(code) || code >= 500 else { return error }
        metrics.recordRefusal(status: code)
        let line = "\(code) \(error.code) on \(request.method) \(request.uri.path): \(error.logDetail ?? error.message)"
        if code >= 500 { logger.error("\(line)") } else { logger.warning("\(line)") }
        return error
    }

    static func translate(_ status: HTTPResponse.Status, _ request: Request) -> APIError {
        switch status {
        case .notFound:
            if let allowed = CollectorRoute.methods(forPath: request.uri.path) {
                methodNotAllowed(request, allowed)
            } else {
                APIError(.notFound, "no-such-route", "no route \(request.method) \(request.uri.path); the routes are listed at /openapi.json")
            }
        case .methodNotAllowed:
            methodNotAllowed(request, CollectorRoute.methods(forPath: request.uri.path) ?? [])
        case .contentTooLarge:
            APIError(.contentTooLarge, "body-too-large", "the request body is larger than the collector accepts; split the upload or raise --max-body")
        default:
            APIError(status, "http-\(status.code)", status.reasonPhrase)
        }
    }

    /// 405 naming the methods the path takes, in `Allow` too.
    static func methodNotAllowed(_ request: Request, _ allowed: [String]) -> APIError {
        var error = APIError(
            .methodNotAllowed, "method-not-allowed", "\(request.uri.path) does not take \(request.method)\(allowed.isEmpty ? "" : "; it takes \(allowed.joined(separator: ", "))"); see /openapi.json")
        error.allowedMethods = allowed
        return error
    }
}
