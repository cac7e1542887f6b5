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
        if let problem = InferenceValidation.problem(in: decoded.value) {
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
