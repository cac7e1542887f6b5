/// MLflow's REST entities as its client reads them (snake_case JSON, timestamps in milliseconds
/// since 1970). Only what EdgeProf fills; the client ignores fields it does not know.
public enum MLflowWire {
    /// A key–value tag (models, versions, runs) or a run's parameter.
    public struct Tag: Sendable, Codable, Hashable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// An alias of a registered model and the version number it names.
    public struct Alias: Sendable, Codable, Hashable {
        public var alias: String
        public var version: String
    }

    /// A registered model with its latest version per stage, tags and aliases.
    public struct RegisteredModel: Sendable, Codable, Hashable {
        public var name: String
        public var creationTimestamp: Int64
        public var lastUpdatedTimestamp: Int64
        public var description: String
        public var latestVersions: [ModelVersion]
        public var tags: [Tag]
        public var aliases: [Alias]
    }

    /// One version of a registered model; `version` is its number, `status` always READY here.
    public struct ModelVersion: Sendable, Codable, Hashable {
        public var name: String
        public var version: String
        public var creationTimestamp: Int64
        public var lastUpdatedTimestamp: Int64
        public var userId: String
        public var currentStage: String
        public var description: String
        public var source: String
        public var runId: String
        public var status: String
        public var statusMessage: String
        public var tags: [Tag]
        public var runLink: String
        public var aliases: [String]
    }

    /// One metric of a run (EdgeProf's runs have one value per key, at step 0).
    public struct Metric: Sendable, Codable, Hashable {
        public var key: String
        public var value: Double
        public var timestamp: Int64
        public var step: Int64
    }

    /// Where a run belongs and when it ran.
    public struct RunInfo: Sendable, Codable, Hashable {
        public var runId: String
        public var runUuid: String
        public var experimentId: String
        public var runName: String
        public var userId: String
        public var status: String
        public var startTime: Int64
        public var endTime: Int64
        public var artifactUri: String
        public var lifecycleStage: String
    }

    /// A run's metrics, parameters and tags.
    public struct RunData: Sendable, Codable, Hashable {
        public var metrics: [Metric]
        public var params: [Tag]
        public var tags: [Tag]
    }

    /// A run as `runs/get` and `runs/search` answer it.
    public struct Run: Sendable, Codable, Hashable {
        public var info: RunInfo
        public var data: RunData
    }

    /// An experiment: Default, or one model's runs.
    public struct Experiment: Sendable, Codable, Hashable {
        public var experimentId: String
        public var name: String
        public var artifactLocation: String
        public var lifecycleStage: String
        public var creationTime: Int64
        public var lastUpdateTime: Int64
        public var tags: [Tag]
    }

    /// An error as MLflow's server answers it; `errorCode` decides the HTTP status.
    public struct ErrorBody: Sendable, Codable, Hashable {
        public var errorCode: String
        public var message: String

        public init(errorCode: String, message: String) {
            self.errorCode = errorCode
            self.message = message
        }
    }
}
