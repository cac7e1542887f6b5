import EdgeProfAgent
import EdgeProfCore
import Foundation
import HTTPTypes
import Hummingbird

/// The handlers of the collector's routes: access, decoding, validation, then the store.
struct CollectorHandlers: Sendable {
    let store: any CollectorStore
    let configuration: CollectorConfiguration
    let metrics: CollectorMetrics
    let monitor: CollectorMonitor
    let governance: GovernanceHandlers
    let throttle: ThrottleGate

    /// The caller's grant, or a 401/403 when the route's rule refuses it; a source that keeps
    /// failing authentication gets 429 before any token is looked up.
    func authorize(_ request: Request, _ rule: AccessRule, from source: String?) async throws -> TokenGrant? {
        try await authorize(token: Self.bearerToken(request), presented: request.headers[.authorization] != nil, rule, from: source)
    }

    /// The token of an `Authorization: Bearer …` header, nil without one.
    static func bearerToken(_ request: Request) -> String? {
        request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces) : nil }
    }

    /// The same check for a token given another way (the dashboard's sign-in form): failures
    /// count towards the same throttle.
    func authorize(token: String?, presented: Bool, _ rule: AccessRule, from source: String?) async throws -> TokenGrant? {
        guard rule != .open else { return nil }
        let source = source ?? "unknown"
        if let until = throttle.blocked(source) {
            let seconds = max(1, Int(until.timeIntervalSinceNow.rounded(.up)))
            throw APIError(
                .tooManyRequests, "too-many-failures",
                "too many failed authentications from \(source): try again in \(seconds) s with a valid token", retryAfterSeconds: seconds)
        }
        do {
            let grant = try await grant(token: token, presented: presented, rule)
            throttle.recordSuccess(source)
            return grant
        } catch let error as APIError where error.status == .unauthorized {
            throttle.recordFailure(source)
            throw error
        }
    }

    /// `X-EdgeProf-Spool-Depth`: how many runs still wait on the uploading agent.
    static let spoolDepthHeader = HTTPField.Name("X-EdgeProf-Spool-Depth")

    /// The grant of a route that needs one (authorize has refused the request without it).
    static func required(_ grant: TokenGrant?) throws -> TokenGrant {
        guard let grant else { throw APIError(.unauthorized, "unauthorized", "this route needs an API token: send `Authorization: Bearer ept_…`") }
        return grant
    }

    private func grant(token: String?, presented: Bool, _ rule: AccessRule) async throws -> TokenGrant? {
        var grant: TokenGrant?
        if let token, APIToken.isWellFormed(token) {
            do { grant = try await store.grant(tokenSHA256: APIToken.sha256(of: token)) } catch { throw APIError.store(error) }
        }
        do {
            try CollectorAccess.check(rule, grant: grant, presented: presented, now: Date())
        } catch {
            throw APIError.from(error)
        }
        return grant
    }

    func respond(_ route: CollectorRoute, request: Request, context: CollectorRequestContext, grant: TokenGrant?) async throws -> Response {
        switch route {
        case .health: return text("ok\n")
        case .openAPI: return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json())))
        case .metrics:
            if let counts = try? await store.liveAlertCounts() { metrics.recordLiveAlerts(counts) }
            // A store that does not answer leaves the last figures and says so: the scrape still
            // works, so Prometheus tells a collector down from a database down.
            if let snapshot = try? await store.metricsSnapshot() {
                metrics.refresh(snapshot, now: Date())
            } else {
                metrics.recordStoreUnreadable()
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        case .uploadRun: return try await uploadRun(request, context: context, grant: try Self.required(grant))
        case .listRuns: return try await listRuns(request, grant: grant)
        case .getRun: return try await getRun(context, grant: grant)
        case .runFindings: return try await runFindings(context, grant: grant)
        case .listModels: return try json(await storeCall { () async throws(StoreError) in try await store.models() })
        case .reportAgent: return try await reportAgent(request, context: context, grant: try Self.required(grant))
        case .listAgents: return try json(await storeCall { () async throws(StoreError) in try await store.agentReports() })
        case .listBenchPlaces: return try await listBenchPlaces()
        case .listAlerts: return try await listAlerts(request)
        case .acknowledgeAlert: return try await acknowledgeAlert(context, grant: try Self.required(grant))
        case .listDeliveries: return try await listDeliveries(request)
        case .resendDelivery: return try await resendDelivery(context, grant: grant)
        case .listBaselines: return try json(await storeCall { () async throws(StoreError) in try await store.baselinePins() })
        case .pinBaseline: return try await pinBaseline(request, grant: try Self.required(grant))
        case .unpinBaseline: return try await unpinBaseline(request)
        case .ingestInferences: return try await ingestInferences(request, grant: try Self.required(grant))
        case .labelInferences: return try await labelInferences(request, grant: try Self.required(grant))
        case .inferenceCounts: return try await inferenceCounts(request)
        case .abTestVerdict: return try await abTestVerdict(context)
        case .inferenceMetrics: return try await inferenceMetrics(request)
        case .driftHistory: return try await driftHistory(request)
        default:
            let body = route.hasBody ? try await jsonBody(request) : nil
            let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
            return try await governance.respond(.init(route: route, parameters: context.parameters, query: query, body: body), grant: grant)
        }
    }

    private func uploadRun(_ request: Request, context: CollectorRequestContext, grant: TokenGrant) async throws -> Response {
        let started = ContinuousClock.now
        let upload: RunUpload
        let contentSHA256: String
        do {
            let decoded = try await decodeCanonical(RunUpload.self, request)
            upload = decoded.value
            contentSHA256 = RunUpload.contentSHA256(ofCanonical: decoded.canonical)
            if let problem = RunUploadValidation.problem(in: upload) {
                throw APIError(.unprocessableContent, "invalid-run", problem.description)
            }
            do { try CollectorAccess.checkUpload(bench: upload.bench, grant: grant) } catch { throw APIError.from(error) }
        } catch {
            metrics.recordIngest(outcome: "rejected", duration: ContinuousClock.now - started)
            throw error
        }
        let report = Self.spoolDepthHeader.flatMap { request.headers[$0] }.flatMap(Int.init).flatMap { depth in
            depth >= 0 ? AgentReport(bench: upload.bench, spoolDepth: depth, reportedAt: Date()) : nil
        }
        let receipt: RunReceipt
        do {
            receipt = try await store.ingest(upload, contentSHA256: contentSHA256, agentReport: report)
            if let report { metrics.recordSpoolDepth(bench: report.bench, depth: report.spoolDepth) }
        } catch {
            metrics.recordIngest(outcome: "rejected", duration: ContinuousClock.now - started)
            throw Self.apiError(error)
        }
        metrics.recordIngest(outcome: receipt.duplicate ? "duplicate" : "stored", duration: ContinuousClock.now - started)
        if !receipt.duplicate {
            let stored = StoredRun(id: receipt.runID, model: try ModelReference(parsing: upload.model), context: upload.context, run: upload.run)
            await monitor.observe(stored)
        }
        return try json(receipt, status: receipt.duplicate ? .ok : .created)
    }

    /// Runs in pages; an agent token sees its own bench's runs only.
    private func listRuns(_ request: Request, grant: TokenGrant?) async throws -> Response {
        let parameters = request.uri.queryParameters
        var query = RunQuery()
        for (key, _) in parameters where !["model", "deviceClass", "bench", "after", "limit"].contains(String(key)) {
            throw APIError(.badRequest, "unknown-parameter", "unknown query parameter \(key); use model, deviceClass, bench, after or limit")
        }
        if let model = parameters["model"] {
            do { query.model = try ModelReference(parsing: String(model)) } catch {
                throw APIError(.badRequest, "invalid-parameter", "model: \(error.description)")
            }
        }
        for key: Substring in ["deviceClass", "bench"] {
            if let value = parameters[key], let problem = RunUploadValidation.nameProblem(String(value)) {
                throw APIError(.badRequest, "invalid-parameter", "\(key) \(problem)")
            }
        }
        query.deviceClass = parameters["deviceClass"].map(String.init)
        query.bench = parameters["bench"].map(String.init)
        if let after = parameters["after"] {
            guard let value = Int64(after), value >= 0 else {
                throw APIError(.badRequest, "invalid-parameter", "after must be a run id (a whole number ≥ 0), not \(after)")
            }
            query.after = value
        }
        if let limit = parameters["limit"] {
            guard let value = Int(limit), (1...500).contains(value) else {
                throw APIError(.badRequest, "invalid-parameter", "limit must be a whole number from 1 to 500, not \(limit)")
            }
            query.limit = value
        }
        if let grant, grant.kind == .agent, let own = grant.bench {
            if let asked = query.bench, asked != own {
                throw APIError(.forbidden, "forbidden", "token \(grant.id) is bench \(own)'s agent token and reads that bench's runs only, not \(asked)'s")
            }
            query.bench = own
        }
        let summaries = try await storeCall { () async throws(StoreError) in try await store.runSummaries(query) }
        struct RunPage: Encodable {
            var runs: [CollectedRunSummary]
            var next: Int64?
        }
        return try json(RunPage(runs: summaries, next: summaries.count == query.limit ? summaries.last?.id : nil))
    }

    /// One run; an agent token reads its own bench's runs only (others are not found).
    private func getRun(_ context: CollectorRequestContext, grant: TokenGrant?) async throws -> Response {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else {
            throw APIError(.badRequest, "invalid-parameter", "a run id is a whole number ≥ 1, not \(text)")
        }
        if let grant, grant.kind == .agent, let own = grant.bench {
            let query = RunQuery(bench: own, after: id - 1, limit: 1)
            guard try await storeCall({ () async throws(StoreError) in try await store.runSummaries(query) }).first?.id == id else {
                throw APIError(.notFound, "no-such-run", "bench \(own) has no run \(id); GET /v1/runs lists its runs")
            }
        }
        guard let stored = try await storeCall({ () async throws(StoreError) in try await store.run(id: id) }) else {
            throw APIError(.notFound, "no-such-run", "there is no run \(id); GET /v1/runs lists them")
        }
        return try json(stored)
    }

    /// The run's monitoring findings, under the same bench rule as the run itself.
    private func runFindings(_ context: CollectorRequestContext, grant: TokenGrant?) async throws -> Response {
        _ = try await getRun(context, grant: grant)
        let text = context.parameters.get("id") ?? ""
        let id = Int64(text) ?? 0
        guard let findings = try await storeCall({ () async throws(StoreError) in try await store.findings(runID: id) }) else {
            throw APIError(.notFound, "not-judged", "run \(id) was not judged: it is part of its device's baseline, or monitoring has not seen it")
        }
        return try json(findings)
    }

    /// Every bench place with its state and the alerts open on it.
    private func listBenchPlaces() async throws -> Response {
        let places = try await storeCall { () async throws(StoreError) in try await store.benchPlaces() }
        let alerts = try await storeCall { () async throws(StoreError) in
            try await store.alerts(state: .open, limit: 500) + store.alerts(state: .acknowledged, limit: 500)
        }
        let now = Date()
        let open = Dictionary(grouping: alerts.filter { [.placeSilent, .placeUnhealthy].contains($0.rule) }) { $0.key.device }
        return try json(places.map { place in
            BenchPlaceStatus(place, now: now, openAlerts: (open["\(place.bench)/\(place.report.place)"] ?? []).map(\.rule.rawValue).sorted())
        })
    }

    private func listAlerts(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        for (key, _) in parameters where !["state", "limit"].contains(String(key)) {
            throw APIError(.badRequest, "unknown-parameter", "unknown query parameter \(key); use state or limit")
        }
        var state: AlertState?
        if let text = parameters["state"] {
            guard let parsed = AlertState(rawValue: String(text)) else {
                throw APIError(.badRequest, "invalid-parameter", "state must be open, acknowledged or resolved, not \(text)")
            }
            state = parsed
        }
        var limit = 100
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...500).contains(value) else {
                throw APIError(.badRequest, "invalid-parameter", "limit must be a whole number from 1 to 500, not \(text)")
            }
            limit = value
        }
        return try json(await storeCall { () async throws(StoreError) in try await store.alerts(state: state, limit: limit) })
    }

    private func listDeliveries(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        for (key, _) in parameters where !["state", "limit"].contains(String(key)) {
            throw APIError(.badRequest, "unknown-parameter", "unknown query parameter \(key); use state or limit")
        }
        let text = parameters["state"].map(String.init) ?? WebhookDeliveryState.dead.rawValue
        guard let state = WebhookDeliveryState(rawValue: text) else {
            throw APIError(.badRequest, "invalid-parameter", "state must be one of \(WebhookDeliveryState.allCases.map(\.rawValue).joined(separator: ", ")), not \(text)")
        }
        var limit = 100
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...500).contains(value) else {
                throw APIError(.badRequest, "invalid-parameter", "limit must be a whole number from 1 to 500, not \(text)")
            }
            limit = value
        }
        return try json(try await storeCall { () async throws(StoreError) in try await store.webhookDeliveries(state: state, limit: limit) })
    }

    private func resendDelivery(_ context: CollectorRequestContext, grant: TokenGrant?) async throws -> Response {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else {
            throw APIError(.badRequest, "invalid-parameter", "a delivery id is a whole number ≥ 1, not \(text)")
        }
        guard try await storeCall({ () async throws(StoreError) in try await store.resendWebhook(id: id, at: Date()) }) else {
            throw APIError(.notFound, "no-such-delivery", "there is no dead delivery \(id); GET /v1/webhooks/deliveries?state=dead lists them")
        }
        context.logger.info("webhook delivery \(id) re-sent by \(grant?.actor ?? "?")")
        return Response(status: .accepted)
    }

    private func acknowledgeAlert(_ context: CollectorRequestContext, grant: TokenGrant) async throws -> Response {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else {
            throw APIError(.badRequest, "invalid-parameter", "an alert id is a whole number ≥ 1, not \(text)")
        }
        return try json(try await acknowledge(alertID: id, reason: nil, grant: grant))
    }

    /// Acknowledges an alert as the grant's actor through the registry's rules (audited), for the
    /// API and the dashboard alike; the alert as it now stands.
    func acknowledge(alertID id: Int64, reason: String?, grant: TokenGrant) async throws -> Alert {
        guard let alert = try await storeCall({ () async throws(StoreError) in try await store.alert(id: id) }) else {
            throw APIError(.notFound, "no-such-alert", "there is no alert \(id); GET /v1/alerts lists them")
        }
        do {
            try await GovernanceService(store: store.registry, actor: grant.actor, catalogue: nil).acknowledgeAlert(alert, reason: reason)
        } catch {
            throw GovernanceHandlers.apiError(error)
        }
        return try await storeCall({ () async throws(StoreError) in try await store.alert(id: id) }) ?? alert
    }

    private func reportAgent(_ request: Request, context: CollectorRequestContext, grant: TokenGrant) async throws -> Response {
        struct ReportRequest: Codable {
            var bench: String
            var spoolDepth: Int
            var places: [BenchPlaceReport]?
            var stopping: Bool?
        }
        let report = try await decode(ReportRequest.self, request)
        if let problem = RunUploadValidation.nameProblem(report.bench) {
            throw APIError(.unprocessableContent, "invalid-report", "bench: \(problem)")
        }
        guard report.spoolDepth >= 0 else {
            throw APIError(.unprocessableContent, "invalid-report", "spoolDepth: must be 0 or more")
        }
        if let problem = BenchPlaceValidation.problem(in: report.places ?? []) {
            throw APIError(.unprocessableContent, "invalid-report", problem.description)
        }
        do { try CollectorAccess.checkUpload(bench: report.bench, grant: grant) } catch { throw APIError.from(error) }
        let now = Date()
        try await record(AgentReport(bench: report.bench, spoolDepth: report.spoolDepth, reportedAt: now))
        if let places = report.places {
            try await storeCall { () async throws(StoreError) in
                try await store.recordBenchPlaces(places, bench: report.bench, stopped: report.stopping ?? false, at: now)
            }
            // A failing place is alerted on as its report arrives, not at the next sweep.
            await PlaceWatcher(store: store, logger: monitor.logger, sweep: configuration.rollbackSweep, webhooks: configuration.settings.webhooks)
                .apply(places.map { StoredBenchPlace(bench: report.bench, report: $0, reportedAt: now, stopped: report.stopping ?? false) }, now: now)
        }
        return Response(status: .noContent)
    }

    private func record(_ report: AgentReport) async throws {
        try await storeCall { () async throws(StoreError) in try await store.recordAgentReport(report) }
        metrics.recordSpoolDepth(bench: report.bench, depth: report.spoolDepth)
    }

    private func requireJSON(_ request: Request) throws {
        guard request.headers[.contentType].map({ $0.lowercased().hasPrefix("application/json") }) ?? false else {
            throw APIError(.unsupportedMediaType, "not-json", "send the body as JSON with `Content-Type: application/json`")
        }
    }

    /// The request's body, refused unless it is JSON, within the size limit and whole within the
    /// body timeout (a client trickling a body does not hold the connection open for long).
    func jsonBody(_ request: Request) async throws -> Data {
        try requireJSON(request)
        let (limit, timeout) = (configuration.maximumBodyBytes, configuration.bodyTimeout)
        // A race settled once: the body, or the deadline. The answer does not wait for a body
        // read that ignores cancellation; Hummingbird closes the connection after the 408.
        let race = BodyRace()
        let reader = Task(executorPreference: DedicatedServing.preferred) {
            var request = request
            do { race.settle(.success(Data(try await request.collectBody(upTo: limit).readableBytesView))) } catch { race.settle(.failure(error)) }
        }
        let timer = Task(executorPreference: DedicatedServing.preferred) {
            try? await Task.sleep(for: timeout)
            race.settle(.failure(APIError(
                .requestTimeout, "body-timeout", "the request body did not arrive whole within \(timeout.components.seconds) s; send it at once")))
        }
        defer {
            reader.cancel()
            timer.cancel()
        }
        return try await race.value()
    }

    func decode<T: Codable>(_ type: T.Type, _ request: Request) async throws -> T {
        try await decodeCanonical(type, request).value
    }

    func decodeCanonical<T: Codable>(_ type: T.Type, _ request: Request) async throws -> (value: T, canonical: Data) {
        let body = try await jsonBody(request)
        do {
            return try StrictJSON.decodeCanonical(T.self, from: body)
        } catch {
            throw APIError.badRequest(error)
        }
    }

    func storeCall<T>(_ body: () async throws(StoreError) -> T) async throws -> T {
        do { return try await body() } catch { throw APIError.store(error) }
    }

    func json(_ value: any Encodable & Sendable, status: HTTPResponse.Status = .ok) throws -> Response {
        try Responses.json(value, status: status)
    }

    private func text(_ body: String) -> Response {
        Responses.text(body, contentType: "text/plain")
    }

    static func apiError(_ refusal: IngestRefusal) -> APIError {
        switch refusal {
        case .unknownModel: APIError(.unprocessableContent, "unknown-model", refusal.description)
        case .artifactMismatch: APIError(.conflict, "artifact-mismatch", refusal.description)
        case .keyReused: APIError(.conflict, "idempotency-key-reused", refusal.description)
        case .store(let error): APIError.store(error)
        }
    }
}
