import Foundation
import Yams

/// Where alert events go: a URL that receives `AlertEvent` JSON by POST.
public struct WebhookTarget: Sendable, Codable, Hashable {
    public var url: String
    /// Only alerts at or above this severity (all when nil).
    public var minimumSeverity: AlertSeverity?

    enum CodingKeys: String, CodingKey {
        case url
        case minimumSeverity = "min-severity"
    }

    public init(url: String, minimumSeverity: AlertSeverity? = nil) {
        self.url = url
        self.minimumSeverity = minimumSeverity
    }

    public func wants(_ severity: AlertSeverity) -> Bool {
        minimumSeverity.map { severity <= $0 } ?? true
    }
}

/// The collector's configuration file (`edgeprof collector serve --config FILE`).
public struct CollectorSettings: Sendable, Codable, Equatable {
    public var webhooks: [WebhookTarget] = []
    public var monitor = MonitorSettings()

    public init(webhooks: [WebhookTarget] = [], monitor: MonitorSettings = MonitorSettings()) {
        self.webhooks = webhooks
        self.monitor = monitor
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        webhooks = try c.decodeIfPresent([WebhookTarget].self, forKey: .webhooks) ?? []
        monitor = try c.decodeIfPresent(MonitorSettings.self, forKey: .monitor) ?? MonitorSettings()
    }

    /// Parses the YAML text, naming the first problem.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> CollectorSettings {
        let settings: CollectorSettings
        do {
            settings = try YAMLDecoder().decode(CollectorSettings.self, from: text)
        } catch {
            throw ConfigError(file: file, line: nil, message: "does not read as the collector configuration: \(Self.describe(error))")
        }
        if let tree = (try? Yams.load(yaml: text)) as? [String: Any] {
            try checkKeys(tree, known: ["webhooks", "monitor"], place: "", file: file)
            if let monitor = tree["monitor"] as? [String: Any] {
                try checkKeys(monitor, known: Set(MonitorSettings.CodingKeys.allCases.map(\.rawValue)), place: "monitor.", file: file)
            }
            for case let webhook as [String: Any] in tree["webhooks"] as? [Any] ?? [] {
                try checkKeys(webhook, known: ["url", "min-severity"], place: "webhooks: ", file: file)
            }
        }
        for webhook in settings.webhooks {
            guard let url = URL(string: webhook.url), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ConfigError(file: file, line: nil, message: "webhooks: url '\(webhook.url)' is not an http(s) URL")
            }
        }
        if let problem = settings.monitor.problems.first {
            throw ConfigError(file: file, line: nil, message: "monitor: \(problem)")
        }
        return settings
    }

    private static func checkKeys(_ object: [String: Any], known: Set<String>, place: String, file: String) throws(ConfigError) {
        for key in object.keys.sorted() where !known.contains(key) {
            let hint = Spelling.closest(to: key, in: known.sorted()).map { "; did you mean '\($0)'?" } ?? ""
            throw ConfigError(file: file, line: nil, message: "unknown setting '\(place)\(key)'\(hint)")
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        case .keyNotFound(let key, _):
            return "missing \(key.stringValue)"
        @unknown default:
            return "\(error)"
        }
    }
}
