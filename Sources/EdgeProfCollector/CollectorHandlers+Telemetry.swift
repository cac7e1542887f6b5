import EdgeProfCore
import Foundation
import Hummingbird

/// Inference telemetry over the API (issue 15 §1): a bench's agent reports its own devices'
/// inferences and the labels that follow; anyone with a token reads the counts.
extension CollectorHandlers {
    func ingestInferences(_ request: Request, grant: TokenGrant) async throws -> Response {
        guard grant.kind == .agent, let bench = grant.bench else {
            throw APIError(.forbidden, "not-permitted", "only a bench's agent token reports inference telemetry (of its own devices)")
        }
        let decoded = try await decodeCanonical(InferenceBatch.self, request)
        if let problem = InferenceValidation.problem(in: decoded.value, now: Date()) {
            throw APIError(.unprocessableContent, "invalid-telemetry", problem.description)
        }
        let receipt: InferenceReceipt
        do {
            receipt = try await store.ingestInferences(
                decoded.value, bench: bench, contentSHA256: RunUpload.contentSHA256(ofCanonical: decoded.canonical), at: Date())
        } catch {
            throw Self.apiError(error)
        }
        return try json(receipt, status: receipt.replayed ? .ok : .created)
    }

    func labelInferences(_ request: Request, grant: TokenGrant) async throws -> Response {
        guard grant.kind == .agent, let bench = grant.bench else {
            throw APIError(.forbidden, "not-permitted", "only a bench's agent token labels inference telemetry (of its own devices)")
        }
        let labels = try await decode(InferenceLabelBatch.self, request)
        if let problem = InferenceValidation.problem(in: labels) {
            throw APIError(.unprocessableContent, "invalid-labels", problem.description)
        }
        return try json(try await storeCall { () async throws(StoreError) in try await store.attachLabels(labels, bench: bench) })
    }

    func inferenceCounts(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        if let unknown = parameters.map(\.key).first(where: { $0 != "model" }) {
            throw APIError(.badRequest, "bad-query", "unknown query parameter '\(unknown)'; this route takes model")
        }
        let model = parameters["model"].map(String.init) ?? ""
        do throws(ModelReferenceError) { try ModelReference.validate(name: model) } catch {
            throw APIError(.badRequest, "bad-query", "model: \(error.description)")
        }
        return try json(try await storeCall { () async throws(StoreError) in try await store.inferenceCounts(model: model) })
    }

    /// A model's online figures over the last `hours` per version, arm and device class.
    func inferenceMetrics(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        if let unknown = parameters.map(\.key).first(where: { $0 != "model" && $0 != "hours" }) {
            throw APIError(.badRequest, "bad-query", "unknown query parameter '\(unknown)'; this route takes model and hours")
        }
        let model = parameters["model"].map(String.init) ?? ""
        do throws(ModelReferenceError) { try ModelReference.validate(name: model) } catch {
            throw APIError(.badRequest, "bad-query", "model: \(error.description)")
        }
        let hoursText = parameters["hours"].map(String.init) ?? "24"
        guard let hours = Double(hoursText), hours.isFinite, hours >= 0.01, hours <= 2160 else {
            throw APIError(.badRequest, "bad-query", "hours: a number from 0.01 to 2160, not \(hoursText)")
        }
        let since = Date().addingTimeInterval(-hours * 3600)
        let observations = try await storeCall { () async throws(StoreError) in try await store.inferenceObservations(model: model, since: since) }
        return try json(OnlineMetricsReport(model: model, since: since, observations: observations))
    }

    /// The test judged on what its arms served since it started (until it stopped).
    func abTestVerdict(_ context: CollectorRequestContext) async throws -> Response {
        let text = context.parameters.get("abTestID") ?? ""
        guard let id = Int64(text), id > 0 else { throw APIError(.badRequest, "bad-path", "an A/B test id is a whole number ≥ 1, not \(text)") }
        let tests = try await storeCall { () async throws(StoreError) in try await store.registry.abTests() }
        guard let test = tests.first(where: { $0.id == id }) else {
            throw APIError(.notFound, "not-found", "there is no A/B test \(id); GET /v1/ab-tests lists them")
        }
        let observations = try await storeCall { () async throws(StoreError) in try await store.inferenceObservations(model: test.model, since: test.startedAt) }
        return try json(ABTestReport(test: test, observations: observations))
    }

    static func apiError(_ refusal: TelemetryRefusal) -> APIError {
        switch refusal {
        case .batchKeyReused: APIError(.conflict, "idempotency-key-reused", refusal.description)
        case .unknownModel: APIError(.unprocessableContent, "unknown-model", refusal.description)
        case .unknownDevice: APIError(.unprocessableContent, "unknown-device", refusal.description)
        case .foreignDevice: APIError(.forbidden, "not-permitted", refusal.description)
        case .store(let error): APIError.store(error)
        }
    }
}
