import EdgeProfCore
import HTTPTypes

/// The part of MLflow's REST API the collector answers (under `/api/2.0/mlflow/`), for the real
/// `mlflow` client pointed at it. docs/mlflow.md lists what each does and what is not served.
/// These routes speak MLflow's JSON (snake_case, `{"error_code","message"}` errors), not the
/// collector's own, and are not part of its OpenAPI document.
enum MLflowRoute: CaseIterable, Sendable {
    case createRegisteredModel
    case getRegisteredModel
    case searchRegisteredModels
    case setRegisteredModelTag
    case deleteRegisteredModelTag
    case deleteRegisteredModel
    case setAlias
    case deleteAlias
    case getByAlias
    case getLatestVersions
    case getLatestVersionsByGet
    case createModelVersion
    case getModelVersion
    case searchModelVersions
    case setModelVersionTag
    case deleteModelVersionTag
    case transitionStage
    case deleteModelVersion
    case getDownloadURI
    case getExperimentByName
    case getExperiment
    case searchExperiments
    case searchRuns
    case getRun

    static let prefix = "/api/2.0/mlflow/"

    var endpoint: String {
        switch self {
        case .createRegisteredModel: "registered-models/create"
        case .getRegisteredModel: "registered-models/get"
        case .searchRegisteredModels: "registered-models/search"
        case .setRegisteredModelTag: "registered-models/set-tag"
        case .deleteRegisteredModelTag: "registered-models/delete-tag"
        case .deleteRegisteredModel: "registered-models/delete"
        case .setAlias, .deleteAlias, .getByAlias: "registered-models/alias"
        case .getLatestVersions, .getLatestVersionsByGet: "registered-models/get-latest-versions"
        case .createModelVersion: "model-versions/create"
        case .getModelVersion: "model-versions/get"
        case .searchModelVersions: "model-versions/search"
        case .setModelVersionTag: "model-versions/set-tag"
        case .deleteModelVersionTag: "model-versions/delete-tag"
        case .transitionStage: "model-versions/transition-stage"
        case .deleteModelVersion: "model-versions/delete"
        case .getDownloadURI: "model-versions/get-download-uri"
        case .getExperimentByName: "experiments/get-by-name"
        case .getExperiment: "experiments/get"
        case .searchExperiments: "experiments/search"
        case .searchRuns: "runs/search"
        case .getRun: "runs/get"
        }
    }

    var path: String { Self.prefix + endpoint }

    var method: HTTPRequest.Method {
        switch self {
        case .getRegisteredModel, .searchRegisteredModels, .getByAlias, .getLatestVersionsByGet, .getModelVersion, .searchModelVersions,
             .getDownloadURI, .getExperimentByName, .getExperiment, .getRun:
            .get
        case .deleteRegisteredModelTag, .deleteRegisteredModel, .deleteAlias, .deleteModelVersionTag, .deleteModelVersion: .delete
        case .createRegisteredModel, .setRegisteredModelTag, .setAlias, .getLatestVersions, .createModelVersion, .setModelVersionTag,
             .transitionStage, .searchExperiments, .searchRuns:
            .post
        }
    }

    /// Reads need any token; every write is a person's act.
    var access: AccessRule {
        switch method {
        case .get: .anyToken
        default: self == .getLatestVersions || self == .searchExperiments || self == .searchRuns ? .anyToken : .person
        }
    }

    /// Whether the request carries a JSON body (GETs carry their fields as query parameters).
    var hasBody: Bool { method != .get }
}
