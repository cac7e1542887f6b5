import EdgeProfCore
import Foundation
import Hummingbird

/// The drift scheduler's results over the API (issue 15 §5): the time series of checks.
extension CollectorHandlers {
    func driftHistory(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        let known: Set<String> = ["model", "version", "kind", "class", "limit"]
        if let unknown = parameters.map({ String($0.key) }).first(where: { !known.contains($0) }) {
            throw APIError(.badRequest, "bad-query", "unknown query parameter '\(unknown)'; this route takes model, version, kind, class and limit")
        }
        let model = parameters["model"].map(String.init) ?? ""
        do throws(ModelReferenceError) { try ModelReference.validate(name: model) } catch {
            throw APIError(.badRequest, "bad-query", "model: \(error.description)")
        }
        var query = DriftHistoryQuery(model: model)
        if let version = parameters["version"].map(String.init) {
            guard let parsed = try? SemanticVersion(parsing: version) else {
                throw APIError(.badRequest, "bad-query", "version: \(version) is not a semantic version (MAJOR.MINOR.PATCH)")
            }
            query.version = parsed.description
        }
        if let kind = parameters["kind"].map(String.init) {
            guard let parsed = DriftKind(rawValue: kind) else {
                throw APIError(.badRequest, "bad-query", "kind: '\(kind)' is not a drift kind; kinds are \(DriftKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.kind = parsed
        }
        if let deviceClass = parameters["class"].map(String.init) {
            if let problem = RunUploadValidation.nameProblem(deviceClass) { throw APIError(.badRequest, "bad-query", "class \(problem)") }
            query.deviceClass = deviceClass
        }
        if let limit = parameters["limit"].map(String.init) {
            guard let value = Int(limit), (1...10_000).contains(value) else { throw APIError(.badRequest, "bad-query", "limit: a whole number from 1 to 10000, not \(limit)") }
            query.limit = value
        }
        let frozen = query
        return try json(try await storeCall { () async throws(StoreError) in try await store.driftHistory(frozen) })
    }
}
