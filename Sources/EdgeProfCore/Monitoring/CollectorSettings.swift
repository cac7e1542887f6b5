import Foundation
import Yams

/// Where alert events go: a URL that receives `AlertEvent` JSON by POST.
public struct WebhookTarget: Sendable, Codable, Hashable {
    public var url: String
    /// Only alerts at or above this severity (all when nil).
    public var minimumSeverity: AlertSeverity?
    /// Keys the HMAC-SHA256 signature every delivery carries (`X-EdgeProf-Signature`).
    public var secret: String
    /// Extra headers sent with every delivery (an API key a chat service wants, say).
    public var headers: [String: String]
    /// Attempts before a delivery goes to the dead-letter list.
    public var maximumAttempts: Int

    public static let defaultMaximumAttempts = 8

    enum CodingKeys: String, CodingKey {
        case url
        case minimumSeverity = "min-severity"
        case secret
        case headers
        case maximumAttempts = "max-attempts"
    }

    public init(url: String, minimumSeverity: AlertSeverity? = nil, secret: String, headers: [String: String] = [:], maximumAttempts: Int = defaultMaximumAttempts) {
        self.url = url
        self.minimumSeverity = minimumSeverity
        self.secret = secret
        self.headers = headers
        self.maximumAttempts = maximumAttempts
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        minimumSeverity = try c.decodeIfPresent(AlertSeverity.self, forKey: .minimumSeverity)
        secret = try c.decode(String.self, forKey: .secret)
        headers = try c.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        maximumAttempts = try c.decodeIfPresent(Int.self, forKey: .maximumAttempts) ?? Self.defaultMaximumAttempts
    }

    public func wants(_ severity: AlertSeverity) -> Bool {
        minimumSeverity.map { severity <= $0 } ?? true
    }

    /// The first thing wrong with this webhook's settings.
    var problem: String? {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            return "url '\(url)' is not an http(s) URL"
        }
        if secret.count < 16 { return "\(url): secret must be at least 16 characters (every delivery is signed with it)" }
        if !(1...100).contains(maximumAttempts) { return "\(url): max-attempts must be 1 to 100" }
        for (name, value) in headers {
            let token = !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "!#$%&'*+-.^_`|~".contains($0)) }
            if !token { return "\(url): header name '\(name)' is not an HTTP token" }
            if WebhookPolicy.reservedHeaders.contains(name.lowercased()) { return "\(url): header \(name) is set by the collector" }
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return "\(url): header \(name) has a control character" }
        }
        return nil
    }
}

/// The collector's configuration file (`edgeprof collector serve --config FILE`).
public struct CollectorSettings: Sendable, Codable, Equatable {
    public var webhooks: [WebhookTarget] = []
    public var monitor = MonitorSettings()
    /// A Prometheus Alertmanager that receives every alert, when one is configured.
    public var alertmanager: AlertmanagerSettings?
    /// How long inference telemetry is kept.
    public var telemetry = TelemetrySettings()

    public init(
        webhooks: [WebhookTarget] = [], monitor: MonitorSettings = MonitorSettings(), alertmanager: AlertmanagerSettings? = nil,
        telemetry: TelemetrySettings = TelemetrySettings()
    ) {
        self.webhooks = webhooks
        self.monitor = monitor
        self.alertmanager = alertmanager
        self.telemetry = telemetry
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        webhooks = try c.decodeIfPresent([WebhookTarget].self, forKey: .webhooks) ?? []
        monitor = try c.decodeIfPresent(MonitorSettings.self, forKey: .monitor) ?? MonitorSettings()
        alertmanager = try c.decodeIfPresent(AlertmanagerSettings.self, forKey: .alertmanager)
        telemetry = try c.decodeIfPresent(TelemetrySettings.self, forKey: .telemetry) ?? TelemetrySettings()
    }

    /// Parses the YAML text, naming the first problem.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> CollectorSettings {
        if let tree = (try? Yams.load(yaml: text)) as? [String: Any] {
            try checkKeys(tree, known: ["webhooks", "monitor", "alertmanager", "telemetry"], place: "", file: file)
            if let telemetry = tree["telemetry"] as? [String: Any] {
                try checkKeys(telemetry, known: ["retention-days"], place: "telemetry.", file: file)
            }
            if let alertmanager = tree["alertmanager"] as? [String: Any] {
                try checkKeys(alertmanager, known: ["url", "interval-seconds"], place: "alertmanager.", file: file)
            }
            if let monitor = tree["monitor"] as? [String: Any] {
                try checkKeys(monitor, known: Set(MonitorSettings.CodingKeys.allCases.map(\.rawValue)), place: "monitor.", file: file)
            }
            for case let webhook as [String: Any] in tree["webhooks"] as? [Any] ?? [] {
                try checkKeys(webhook, known: ["url", "min-severity", "secret", "headers", "max-attempts"], place: "webhooks: ", file: file)
                if webhook["secret"] == nil {
                    throw ConfigError(
                        file: file, line: nil,
                        message: "webhooks: \(webhook["url"] ?? "a webhook") needs a secret (16 or more characters): every delivery is signed with it (X-EdgeProf-Signature)")
                }
            }
        }
        let settings: CollectorSettings
        do {
            settings = try YAMLDecoder().decode(CollectorSettings.self, from: text)
        } catch {
            throw ConfigError(file: file, line: nil, message: "does not read as the collector configuration: \(Self.describe(error))")
        }
        for webhook in settings.webhooks {
            if let problem = webhook.problem { throw ConfigError(file: file, line: nil, message: "webhooks: \(problem)") }
        }
        if let problem = settings.monitor.problems.first {
            throw ConfigError(file: file, line: nil, message: "monitor: \(problem)")
        }
        if !(settings.telemetry.retentionDays.isFinite && (1...36_500).contains(settings.telemetry.retentionDays)) {
            throw ConfigError(file: file, line: nil, message: "telemetry: retention-days must be 1 to 36500")
        }
        if let problem = settings.alertmanager?.problem {
            throw ConfigError(file: file, line: nil, message: "alertmanager: \(problem)")
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
