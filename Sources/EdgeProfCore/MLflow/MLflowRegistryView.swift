import Foundation

/// One model of the registry as MLflow's client sees it. MLflow numbers versions 1, 2, 3… in the
/// order they were registered; EdgeProf's versions are semantic, so the number is the version's
/// rank by registration and the semantic version travels as the tag `edgeprof.version`. MLflow's
/// four stages are a coarse view of the lifecycle (`stage(of:)`); the exact stage is the tag
/// `edgeprof.stage`. Aliases named after a stage (`production`, `canary`, `staging`) are derived
/// from the stages, never stored.
public struct MLflowRegistryView: Sendable {
    public let snapshot: RegistrySnapshot
    /// The versions in registration order: MLflow's version n is `ordered[n - 1]`.
    public let ordered: [ModelVersionRecord]

    public init(_ snapshot: RegistrySnapshot) {
        self.snapshot = snapshot
        ordered = snapshot.versions.sorted { ($0.model.registeredAt, $0.model.id) < ($1.model.registeredAt, $1.model.id) }
    }

    /// Whether the model exists: it has a version or an entry.
    public var exists: Bool { !ordered.isEmpty || entry != nil }

    public var entry: ModelAnnotation? { snapshot.annotations.first { $0.kind == .entry } }

    public func number(of reference: ModelReference) -> Int? {
        ordered.firstIndex { $0.reference == reference }.map { $0 + 1 }
    }

    /// The version MLflow calls `text` ("1", "2"…), or why there is none.
    public func version(number text: String) throws(GovernanceError) -> ModelVersionRecord {
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw .invalid("version '\(text.prefix(40))' is not an integer: MLflow numbers a model's versions 1, 2, 3…")
        }
        guard number >= 1, number <= ordered.count else {
            throw .notFound("model version \(snapshot.name) \(number) does not exist (it has \(ordered.count) version\(ordered.count == 1 ? "" : "s"))")
        }
        return ordered[number - 1]
    }

    /// MLflow's stage for a lifecycle stage: before staging None, staging and canary Staging,
    /// serving Production, after serving Archived.
    public static func stage(of stage: LifecycleStage) -> String {
        switch stage {
        case .development, .validation: "None"
        case .staging, .canary: "Staging"
        case .production, .monitoring, .degraded, .retraining: "Production"
        case .rollback, .deprecated, .retired, .failed: "Archived"
        }
    }

    /// The lifecycle stage a `transition_model_version_stage` asks for, or why it cannot be asked.
    public static func target(ofStage text: String) throws(GovernanceError) -> LifecycleStage {
        switch text.lowercased() {
        case "staging": return .staging
        case "production": return .production
        case "archived": return .retired
        case "none": throw .illegalMove("a version cannot go back to stage None: the lifecycle only moves forward (retire it, or register a new version)")
        default: throw .invalid("stage '\(text.prefix(40))': use Staging, Production or Archived")
        }
    }

    /// The stages that have a derived alias, when exactly one version is in them.
    public static let stageAliases: [LifecycleStage] = [.staging, .canary, .production]

    /// Every alias of the model: the stored ones and the derived stage aliases.
    public var aliases: [(alias: String, version: ModelVersionRecord)] {
        var aliases: [(alias: String, version: ModelVersionRecord)] = []
        for stage in Self.stageAliases {
            let holders = ordered.filter { stage == .production ? $0.stage.isServing : $0.stage == stage }
            if holders.count == 1, let holder = holders.first { aliases.append((stage.rawValue, holder)) }
        }
        for annotation in snapshot.annotations where annotation.kind == .alias {
            if let version = annotation.version, let record = ordered.first(where: { $0.reference.version == version }) {
                aliases.append((annotation.key, record))
            }
        }
        return aliases
    }

    /// The version an alias names, stored or derived.
    public func version(alias: String) -> ModelVersionRecord? {
        aliases.first { $0.alias == alias }?.version
    }

    /// A version's tags: the ones people set, then the registry's own (`edgeprof.*`), then `extra`
    /// (gate verdicts and edge figures the caller gathered).
    public func tags(of record: ModelVersionRecord, extra: [String: String] = [:]) -> [String: String] {
        var tags: [String: String] = [:]
        for annotation in snapshot.annotations where annotation.kind == .versionTag && annotation.version == record.reference.version {
            tags[annotation.key] = annotation.value
        }
        tags["edgeprof.version"] = record.reference.version.description
        tags["edgeprof.stage"] = record.stage.rawValue
        tags["edgeprof.artifact_sha256"] = record.model.artifactSHA256
        tags["edgeprof.artifact_bytes"] = String(record.model.artifactBytes)
        tags["edgeprof.registered_by"] = record.registeredBy
        tags.merge(extra) { _, new in new }
        return tags
    }

    /// Where a version came from, as MLflow names it (its source URI, else the registry's path).
    public static func source(of record: ModelVersionRecord) -> String {
        record.metadata.extra[sourceKey] ?? record.model.artifactPath
    }

    /// Metadata keys that keep what MLflow's client gave at registration.
    public static let sourceKey = "mlflow.source"
    public static let runIDKey = "mlflow.run_id"
    public static let descriptionKey = "mlflow.description"

    public func modelVersion(_ record: ModelVersionRecord, extraTags: [String: String] = [:]) -> MLflowWire.ModelVersion {
        let changed = ([record.stageChangedAt] + snapshot.annotations.filter { $0.version == record.reference.version }.map(\.at)).max() ?? record.stageChangedAt
        return MLflowWire.ModelVersion(
            name: snapshot.name, version: String(number(of: record.reference) ?? 0),
            creationTimestamp: Self.milliseconds(record.model.registeredAt), lastUpdatedTimestamp: Self.milliseconds(changed),
            userId: record.registeredBy, currentStage: Self.stage(of: record.stage),
            description: record.metadata.extra[Self.descriptionKey] ?? "", source: Self.source(of: record),
            runId: record.metadata.extra[Self.runIDKey] ?? "", status: "READY", statusMessage: "",
            tags: Self.wireTags(tags(of: record, extra: extraTags)), runLink: "",
            aliases: aliases.filter { $0.version.reference == record.reference }.map(\.alias))
    }

    public func registeredModel() -> MLflowWire.RegisteredModel {
        let created = entry?.at ?? ordered.first?.model.registeredAt ?? Date(timeIntervalSince1970: 0)
        let updated = (ordered.map(\.stageChangedAt) + snapshot.annotations.map(\.at) + [created]).max() ?? created
        var latest: [String: ModelVersionRecord] = [:]
        for record in ordered { latest[Self.stage(of: record.stage)] = record }
        return MLflowWire.RegisteredModel(
            name: snapshot.name, creationTimestamp: Self.milliseconds(created), lastUpdatedTimestamp: Self.milliseconds(updated),
            description: entry?.value ?? "",
            latestVersions: latest.keys.sorted().compactMap { latest[$0].map { modelVersion($0) } },
            tags: Self.wireTags(Dictionary(
                snapshot.annotations.filter { $0.kind == .modelTag }.map { ($0.key, $0.value) }, uniquingKeysWith: { _, new in new })),
            aliases: aliases.map { MLflowWire.Alias(alias: $0.alias, version: String(number(of: $0.version.reference) ?? 0)) })
    }

    /// Whether a version passes `filter` (keys `name`, `version_number`, `run_id`, `source_path`,
    /// `tags.KEY`); an unknown key is an error rather than "no match".
    public func matches(_ filter: MLflowFilter, _ record: ModelVersionRecord, tags: [String: String]) throws(MLflowFilterError) -> Bool {
        for clause in filter.clauses {
            let value: String?
            var numeric = false
            switch (clause.key.namespace, clause.key.name) {
            case (nil, "name"): value = snapshot.name
            case (nil, "version_number"), (nil, "version"):
                value = number(of: record.reference).map(String.init)
                numeric = true
            case (nil, "run_id"): value = record.metadata.extra[Self.runIDKey] ?? ""
            case (nil, "source_path"): value = Self.source(of: record)
            case ("tags", let key), ("tag", let key): value = tags[key]
            default:
                throw MLflowFilterError("model versions are searched by name, version_number, run_id, source_path or tags.KEY, not \(clause.key)")
            }
            if clause.key.name != "run_id", [.inList, .notInList].contains(clause.comparator) {
                throw MLflowFilterError("IN is for run_id only")
            }
            guard MLflowFilter.matches(clause, value, numeric: numeric) else { return false }
        }
        return true
    }

    /// The model names a filter pins with `name = '…'` (nil: any model may match).
    public static func pinnedNames(_ filter: MLflowFilter) -> Set<String>? {
        for clause in filter.clauses where clause.key == MLflowFilter.Key(namespace: nil, name: "name") && clause.comparator == .equal {
            if case .string(let name) = clause.value { return [name] }
        }
        return nil
    }

    public static func wireTags(_ tags: [String: String]) -> [MLflowWire.Tag] {
        tags.keys.sorted().compactMap { key in tags[key].map { MLflowWire.Tag(key: key, value: $0) } }
    }

    public static func milliseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        return value.isFinite && abs(value) < 9e15 ? Int64(value) : 0
    }
}
