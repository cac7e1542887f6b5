import EdgeProfAgent
import EdgeProfCore
import Foundation
import Hummingbird

/// MLflow's model-registry API over EdgeProf's registry. Every write is the token's actor acting
/// under the same governance rules as `edgeprof model …`: a stage transition or an alias named
/// after a stage is a promotion (gates, approvals, separation of duties), and a refusal comes
/// back in MLflow's error shape with the rules' reason.
struct MLflowHandlers: Sendable {
    let store: any CollectorStore
    let configuration: CollectorConfiguration
    let governance: GovernanceHandlers

    /// One request: its route, query parameters (repeated ones kept) and JSON body.
    struct Call {
        var route: MLflowRoute
        var query: [String: [String]]
        var body: Data?
        var grant: TokenGrant?

        func parameter(_ name: String) throws(MLflowError) -> String {
            guard let value = query[name]?.first, !value.isEmpty else { throw MLflowError.invalid("missing parameter '\(name)'") }
            return value
        }
    }

    func respond(_ call: Call) async throws -> Response {
        do {
            return try await answer(call)
        } catch {
            throw MLflowError.from(error)
        }
    }

    private func answer(_ call: Call) async throws -> Response {
        let service = GovernanceService(store: store.registry, actor: call.grant?.actor ?? "", catalogue: nil)
        switch call.route {
        case .createRegisteredModel:
            let request = try MLflowEncoding.decode(MLflowRequests.CreateRegisteredModel.self, call.body)
            let name = try Self.modelName(request.name)
            try Self.checkTags(request.tags ?? [], except: nil)
            try await service.createModel(name, description: request.description ?? "")
            for tag in request.tags ?? [] { try await service.setTag(tag.key, value: tag.value, model: name, version: nil) }
            return MLflowEncoding.response(["registered_model": try await view(name).registeredModel()])
        case .getRegisteredModel:
            return MLflowEncoding.response(["registered_model": try await existingView(try call.parameter("name")).registeredModel()])
        case .searchRegisteredModels:
            return try await searchRegisteredModels(call)
        case .setRegisteredModelTag, .deleteRegisteredModelTag, .setModelVersionTag, .deleteModelVersionTag:
            return try await tag(call, service)
        case .deleteRegisteredModel, .deleteModelVersion:
            throw MLflowError(
                "PERMISSION_DENIED",
                "the registry keeps every model and version for its audit trail: nothing is deleted. Retire a version instead (transition it to Archived, or `edgeprof model retire`)")
        case .setAlias:
            let request = try MLflowEncoding.decode(MLflowRequests.SetAlias.self, call.body)
            let view = try await existingView(request.name)
            let record = try Self.governed { () throws(GovernanceError) in try view.version(number: request.version) }
            if let stage = LifecycleStage(rawValue: request.alias.lowercased()) {
                try await move(record.reference, to: stage, service, why: "alias \(request.alias)")
            } else {
                try Self.governed { () throws(GovernanceError) in try GovernanceRules.checkAlias(request.alias) }
                try await service.setAlias(request.alias, of: record.reference)
            }
            return MLflowEncoding.response([String: String]())
        case .deleteAlias:
            let request = try MLflowEncoding.decode(MLflowRequests.DeleteAlias.self, call.body)
            if LifecycleStage(rawValue: request.alias.lowercased()) != nil {
                throw MLflowError.invalid(
                    "alias '\(request.alias)' follows the lifecycle stage of that name and cannot be deleted: retire or roll back the version (`edgeprof model retire|rollback`)")
            }
            try await service.removeAlias(request.alias, model: try Self.modelName(request.name))
            return MLflowEncoding.response([String: String]())
        case .getByAlias:
            let alias = try call.parameter("alias")
            let view = try await existingView(try call.parameter("name"))
            guard let record = view.version(alias: alias) else {
                throw MLflowError.missing("registered model alias \(alias) not found on \(view.snapshot.name)")
            }
            return MLflowEncoding.response(["model_version": try await modelVersion(record, view, service)])
        case .getLatestVersions, .getLatestVersionsByGet:
            let request = call.route == .getLatestVersions
                ? try MLflowEncoding.decode(MLflowRequests.LatestVersions.self, call.body)
                : MLflowRequests.LatestVersions(name: try call.parameter("name"), stages: call.query["stages"])
            let view = try await existingView(request.name)
            let wanted = Set((request.stages ?? []).map { $0.lowercased() })
            var latest: [String: ModelVersionRecord] = [:]
            for record in view.ordered { latest[MLflowRegistryView.stage(of: record.stage)] = record }
            var versions: [MLflowWire.ModelVersion] = []
            for stage in latest.keys.sorted() where wanted.isEmpty || wanted.contains(stage.lowercased()) {
                if let record = latest[stage] { versions.append(view.modelVersion(record)) }
            }
            return MLflowEncoding.response(["model_versions": versions])
        case .createModelVersion:
            return try await createModelVersion(call, service)
        case .getModelVersion:
            let view = try await existingView(try call.parameter("name"))
            let number = try call.parameter("version")
            let record = try Self.governed { () throws(GovernanceError) in try view.version(number: number) }
            return MLflowEncoding.response(["model_version": try await modelVersion(record, view, service)])
        case .getDownloadURI:
            let view = try await existingView(try call.parameter("name"))
            let number = try call.parameter("version")
            let record = try Self.governed { () throws(GovernanceError) in try view.version(number: number) }
            return MLflowEncoding.response(["artifact_uri": MLflowRegistryView.source(of: record)])
        case .searchModelVersions:
            return try await searchModelVersions(call, service)
        case .transitionStage:
            let request = try MLflowEncoding.decode(MLflowRequests.Transition.self, call.body)
            let view = try await existingView(request.name)
            let record = try Self.governed { () throws(GovernanceError) in try view.version(number: request.version) }
            let target = try Self.governed { () throws(GovernanceError) in try MLflowRegistryView.target(ofStage: request.stage) }
            if request.archiveExistingVersions == true, target != .production {
                throw MLflowError.invalid(
                    "archive_existing_versions: only a move to Production archives anything here (the version it replaces is deprecated by the rules)")
            }
            try await move(record.reference, to: target, service, why: "transition-stage \(request.stage)")
            let after = try await existingView(request.name)
            let moved = after.snapshot.version(record.reference) ?? record
            return MLflowEncoding.response(["model_version": try await modelVersion(moved, after, service)])
        case .getExperimentByName, .getExperiment, .searchExperiments, .searchRuns, .getRun:
            return try await tracking(call)
        }
    }

    /// A lifecycle move asked through MLflow: promoted (or retired) by the rules, as the actor.
    private func move(_ reference: ModelReference, to stage: LifecycleStage, _ service: GovernanceService, why: String) async throws {
        let reason = "MLflow client: \(why) by \(service.actor)"
        if stage == .retired {
            _ = try await service.retire(reference, reason: reason)
        } else {
            _ = try await service.promote(reference, to: stage, reason: reason)
        }
    }

    private func tag(_ call: Call, _ service: GovernanceService) async throws -> Response {
        let request = try MLflowEncoding.decode(MLflowRequests.Tag.self, call.body)
        var version: SemanticVersion?
        if [.setModelVersionTag, .deleteModelVersionTag].contains(call.route) {
            guard let number = request.version else { throw MLflowError.invalid("missing field version") }
            let view = try await existingView(request.name)
            version = try Self.governed { () throws(GovernanceError) in try view.version(number: number) }.reference.version
        }
        let name = try Self.modelName(request.name)
        if [.setRegisteredModelTag, .setModelVersionTag].contains(call.route) {
            guard let value = request.value else { throw MLflowError.invalid("missing field value") }
            try await service.setTag(request.key, value: value, model: name, version: version)
        } else {
            try await service.removeTag(request.key, model: name, version: version)
        }
        return MLflowEncoding.response([String: String]())
    }

    private func createModelVersion(_ call: Call, _ service: GovernanceService) async throws -> Response {
        let request = try MLflowEncoding.decode(MLflowRequests.CreateModelVersion.self, call.body)
        let name = try Self.modelName(request.name)
        let tags = request.tags ?? []
        try Self.checkTags(tags, except: Self.versionTag)
        let given = tags.first { $0.key == Self.versionTag }?.value
        let artifact = try MLflowSources(root: configuration.mlflowArtifactRoot).bytes(of: request.source)
        var metadata = VersionMetadata()
        metadata.extra[MLflowRegistryView.sourceKey] = request.source
        if let runID = request.runId, !runID.isEmpty { metadata.extra[MLflowRegistryView.runIDKey] = runID }
        if let description = request.description, !description.isEmpty { metadata.extra[MLflowRegistryView.descriptionKey] = description }
        let registered = try await register(name, given: given, artifact: artifact, metadata: metadata, actor: service.actor)
        for tag in tags where tag.key != Self.versionTag {
            try await service.setTag(tag.key, value: tag.value, model: name, version: registered.reference.version)
        }
        let after = try await view(name)
        guard let record = after.snapshot.version(registered.reference) else {
            throw MLflowError("INTERNAL_ERROR", "\(registered.reference) was registered but cannot be read back")
        }
        return MLflowEncoding.response(["model_version": try await modelVersion(record, after, service)])
    }

    /// The tag that names the semantic version a new version gets (else the next `N.0.0`).
    static let versionTag = "edgeprof.version"

    /// Registers the version `given`, or `N.0.0` after the model's N versions: when another
    /// client took that number meanwhile, the next one (a few times, then the refusal stands).
    private func register(_ name: String, given: String?, artifact: [UInt8], metadata: VersionMetadata, actor: String) async throws -> RegisteredModel {
        for attempt in 1...3 {
            let version: String
            if let given { version = given } else { version = "\(try await view(name).ordered.count + 1).0.0" }
            let registrar = ModelRegistrar(store: store.registry)
            do {
                return try await registrar.register(name: name, version: version, artifact: artifact, metadata: metadata, actor: actor)
            } catch {
                guard given == nil, attempt < 3, case .governance(.duplicate) = error else { throw error }
            }
        }
        throw MLflowError("RESOURCE_ALREADY_EXISTS", "\(name): the next version number was taken by other registrations meanwhile; retry")
    }

    private func searchRegisteredModels(_ call: Call) async throws -> Response {
        let filter = try MLflowFilter(parsing: call.query["filter"]?.first ?? "")
        let (offset, limit) = try Self.page(call, defaultLimit: 100, maximum: 1000)
        var names = Set(try await storeCall { () async throws(StoreError) in try await store.registry.versionRecords() }.map(\.model.reference.name))
        names.formUnion(try await storeCall { () async throws(StoreError) in try await store.registry.modelEntries() }.map(\.model))
        var matching: [MLflowWire.RegisteredModel] = []
        for name in names.sorted() {
            let model = try await view(name).registeredModel()
            let tags = Dictionary(model.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, new in new })
            var keep = true
            for clause in filter.clauses {
                switch (clause.key.namespace, clause.key.name) {
                case (nil, "name"): keep = keep && MLflowFilter.matches(clause, name, numeric: false)
                case ("tags", let key), ("tag", let key): keep = keep && MLflowFilter.matches(clause, tags[key], numeric: false)
                default: throw MLflowError.invalid("registered models are searched by name and tags.KEY, not \(clause.key)")
                }
            }
            if keep { matching.append(model) }
        }
        let models = Array(matching.dropFirst(offset).prefix(limit))
        return MLflowEncoding.response(SearchModels(registeredModels: models, nextPageToken: Self.nextToken(offset, limit, matching.count)))
    }

    private func searchModelVersions(_ call: Call, _ service: GovernanceService) async throws -> Response {
        let filter = try MLflowFilter(parsing: call.query["filter"]?.first ?? "")
        let (offset, limit) = try Self.page(call, defaultLimit: 10_000, maximum: 10_000)
        let order = try MLflowOrder(call.query["order_by"] ?? [])
        let names: [String]
        if let pinned = MLflowRegistryView.pinnedNames(filter) {
            names = pinned.sorted()
        } else {
            names = Set(try await storeCall { () async throws(StoreError) in try await store.registry.versionRecords() }.map(\.model.reference.name)).sorted()
        }
        // Gate tags need the gates evaluated: only for versions the rest of the filter keeps.
        let withoutGateTags = MLflowFilter(clauses: filter.clauses.filter { !$0.key.name.hasPrefix("edgeprof.gate") && !$0.key.name.hasPrefix("edgeprof.edge") })
        var found: [(wire: MLflowWire.ModelVersion, record: ModelVersionRecord)] = []
        for name in names {
            let view = try await view(name)
            for record in view.ordered {
                guard try view.matches(withoutGateTags, record, tags: view.tags(of: record)) else { continue }
                let extra = try await gateTags(record.reference, service)
                guard try view.matches(filter, record, tags: view.tags(of: record, extra: extra)) else { continue }
                found.append((view.modelVersion(record, extraTags: extra), record))
            }
        }
        let sorted = order.sorted(found.map(\.wire))
        return MLflowEncoding.response(SearchVersions(
            modelVersions: Array(sorted.dropFirst(offset).prefix(limit)), nextPageToken: Self.nextToken(offset, limit, sorted.count)))
    }

    private struct SearchModels: Encodable {
        var registeredModels: [MLflowWire.RegisteredModel]
        var nextPageToken: String?
    }

    private struct SearchVersions: Encodable {
        var modelVersions: [MLflowWire.ModelVersion]
        var nextPageToken: String?
    }

    /// A version as MLflow shows it, with the gate verdicts, evidence keys and edge figures as tags.
    private func modelVersion(_ record: ModelVersionRecord, _ view: MLflowRegistryView, _ service: GovernanceService) async throws -> MLflowWire.ModelVersion {
        view.modelVersion(record, extraTags: try await gateTags(record.reference, service))
    }

    private func gateTags(_ reference: ModelReference, _ service: GovernanceService) async throws -> [String: String] {
        let (results, evidence) = try await service.assessedGates(for: reference)
        return MLflowGateTags.tags(results: results, edgeVerdicts: evidence.edgeVerdicts)
    }

    func view(_ name: String) async throws -> MLflowRegistryView {
        let name = try Self.modelName(name)
        return MLflowRegistryView(try await storeCall { () async throws(StoreError) in try await store.registry.snapshot(model: name) })
    }

    private func existingView(_ name: String) async throws -> MLflowRegistryView {
        let view = try await view(name)
        guard view.exists else { throw MLflowError.missing("registered model with name=\(name) not found") }
        return view
    }

    func storeCall<T>(_ body: () async throws(StoreError) -> T) async throws -> T {
        do { return try await body() } catch { throw APIError.store(error) }
    }

    static func modelName(_ name: String) throws(MLflowError) -> String {
        do throws(ModelReferenceError) { try ModelReference.validate(name: name) } catch { throw MLflowError.invalid(error.description) }
        return name
    }

    /// Most tags one create request may carry (each is an act of its own in the audit trail).
    static let maximumTagsPerRequest = 100

    private static func checkTags(_ tags: [MLflowWire.Tag], except allowed: String?) throws(MLflowError) {
        guard tags.count <= maximumTagsPerRequest else {
            throw MLflowError.invalid("\(tags.count) tags in one request; at most \(maximumTagsPerRequest) (set more with set-tag)")
        }
        for tag in tags where tag.key != allowed { try checkTag(tag.key, tag.value) }
    }

    private static func checkTag(_ key: String, _ value: String) throws(MLflowError) {
        guard !key.hasPrefix(ModelAnnotation.reservedPrefix) else {
            throw MLflowError("PERMISSION_DENIED", "tags under '\(ModelAnnotation.reservedPrefix)' are the registry's own (stage, gate verdicts, edge figures); only \(versionTag) may be given, when creating a version")
        }
        guard (1...ModelAnnotation.maximumKeyLength).contains(key.count), value.count <= ModelAnnotation.maximumValueLength else {
            throw MLflowError.invalid("tag '\(key.prefix(80))': keys are 1 to \(ModelAnnotation.maximumKeyLength) characters, values at most \(ModelAnnotation.maximumValueLength)")
        }
    }

    static func governed<T>(_ body: () throws(GovernanceError) -> T) throws(MLflowError) -> T {
        do { return try body() } catch { throw MLflowError.from(AgentError.governance(error)) }
    }

    /// `page_token` (an offset this collector gave) and `max_results`, checked.
    static func page(_ call: Call, defaultLimit: Int, maximum: Int) throws(MLflowError) -> (offset: Int, limit: Int) {
        var limit = defaultLimit
        if let text = call.query["max_results"]?.first {
            guard let value = Int(text), (1...maximum).contains(value) else { throw MLflowError.invalid("max_results must be 1 to \(maximum), not \(text.prefix(20))") }
            limit = value
        }
        var offset = 0
        if let token = call.query["page_token"]?.first, !token.isEmpty {
            guard let value = Int(token), value >= 0 else { throw MLflowError.invalid("page_token '\(token.prefix(40))' was not given by this server") }
            offset = value
        }
        return (offset, limit)
    }

    static func nextToken(_ offset: Int, _ limit: Int, _ total: Int) -> String? {
        offset + limit < total ? String(offset + limit) : nil
    }
}
