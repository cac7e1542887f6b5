import EdgeProfCore

/// The bodies MLflow's client sends (snake_case on the wire, decoded leniently).
enum MLflowRequests {
    struct CreateRegisteredModel: Decodable {
        var name: String
        var tags: [MLflowWire.Tag]?
        var description: String?
    }

    struct Tag: Decodable {
        var name: String
        var version: String?
        var key: String
        var value: String?
    }

    struct Name: Decodable {
        var name: String
    }

    struct SetAlias: Decodable {
        var name: String
        var alias: String
        var version: String
    }

    struct DeleteAlias: Decodable {
        var name: String
        var alias: String
    }

    struct LatestVersions: Decodable {
        var name: String
        var stages: [String]?
    }

    struct CreateModelVersion: Decodable {
        var name: String
        var source: String
        var runId: String?
        var tags: [MLflowWire.Tag]?
        var description: String?
    }

    struct Version: Decodable {
        var name: String
        var version: String
    }

    struct Transition: Decodable {
        var name: String
        var version: String
        var stage: String
        var archiveExistingVersions: Bool?
    }

    struct SearchRuns: Decodable {
        var experimentIds: [String]?
        var filter: String?
        var maxResults: Int?
        var orderBy: [String]?
        var pageToken: String?
    }

    struct SearchExperiments: Decodable {
        var maxResults: Int?
        var filter: String?
        var pageToken: String?
    }
}
