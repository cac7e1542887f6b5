extension VersionMetadata {
    static let knownFields = [
        "author", "metrics", "hyperparameters", "training-data", "dataset-manifest-sha256", "quantization-config-sha256",
        "tokenizer-config-sha256", "ethics-audit-date", "tags", "extra", "considerations", "task", "dataset", "architecture",
    ]

    /// Parses a `--metadata` file (YAML or JSON); errors name the file, the line and the field.
    public init(yaml: String, file: String) throws(ConfigError) {
        self.init()
        let fields = try YAMLFile(yaml: yaml, file: file).root.fields(known: Self.knownFields, what: "a mapping of version metadata")
        author = try fields.string("author")
        if let metrics = fields.node("metrics") {
            for (name, line, value) in try metrics.entries(expecting: "'metrics' to map names to numbers") {
                guard let text = value.scalar, let number = Double(text), number.isFinite else {
                    throw metrics.error("metric '\(name)' must be a finite number, got '\(value.scalar ?? "a non-scalar")'", line: line)
                }
                self.metrics[name] = number
            }
        }
        hyperparameters = try Self.texts(fields.node("hyperparameters"), "hyperparameters")
        extra = try Self.texts(fields.node("extra"), "extra")
        if let training = fields.node("training-data") {
            let data = try training.withContext("training-data: ").fields(known: ["sha256", "from", "to"], what: "a mapping with sha256, from, to")
            trainingData = TrainingData(
                sha256: try Self.requiredDigest(data, "sha256"), from: try Self.requiredDate(data, "from"), to: try Self.requiredDate(data, "to"))
        }
        datasetManifestSHA256 = try Self.digest(fields, "dataset-manifest-sha256")
        quantizationConfigSHA256 = try Self.digest(fields, "quantization-config-sha256")
        tokenizerConfigSHA256 = try Self.digest(fields, "tokenizer-config-sha256")
        ethicsAuditDate = try Self.date(fields, "ethics-audit-date")
        tags = try fields.strings("tags") ?? []
        if let node = fields.node("considerations") {
            let text = try node.withContext("considerations: ").fields(
                known: ["intended-use", "limitations", "ethical-considerations", "tradeoffs"], what: "a mapping")
            considerations = Considerations(
                intendedUse: try text.string("intended-use"), limitations: try text.string("limitations"),
                ethicalConsiderations: try text.string("ethical-considerations"), tradeoffs: try text.string("tradeoffs"))
        }
        task = try fields.string("task")
        dataset = try fields.string("dataset")
        architecture = try fields.string("architecture")
    }

    private static func texts(_ node: YAMLNode?, _ key: String) throws(ConfigError) -> [String: String] {
        guard let node else { return [:] }
        var texts: [String: String] = [:]
        for (name, line, value) in try node.entries(expecting: "'\(key)' to map names to values") {
            guard let text = value.scalar else { throw node.error("'\(key)': '\(name)' must be a single value", line: line) }
            texts[name] = text
        }
        return texts
    }

    private static func digest(_ fields: YAMLFields, _ key: String, required: Bool = false) throws(ConfigError) -> String? {
        guard let text = required ? try fields.requiredString(key) : try fields.string(key) else { return nil }
        let hex = text.lowercased()
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
            throw fields.error(at: key, "field '\(key)' must be a SHA-256 in hex (64 characters), got '\(text)'")
        }
        return hex
    }

    private static func requiredDigest(_ fields: YAMLFields, _ key: String) throws(ConfigError) -> String {
        guard let digest = try digest(fields, key, required: true) else { throw fields.error(at: key, "missing field '\(key)'") }
        return digest
    }

    private static func requiredDate(_ fields: YAMLFields, _ key: String) throws(ConfigError) -> String {
        guard let date = try date(fields, key, required: true) else { throw fields.error(at: key, "missing field '\(key)'") }
        return date
    }

    private static func date(_ fields: YAMLFields, _ key: String, required: Bool = false) throws(ConfigError) -> String? {
        guard let text = required ? try fields.requiredString(key) : try fields.string(key) else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let valid = parts.count == 3 && parts[0].count == 4 && parts[1].count == 2 && parts[2].count == 2
            && parts.allSatisfy { $0.allSatisfy(\.isNumber) } && (1...12).contains(Int(parts[1]) ?? 0) && (1...31).contains(Int(parts[2]) ?? 0)
        guard valid else { throw fields.error(at: key, "field '\(key)' must be a date YYYY-MM-DD, got '\(text)'") }
        return text
    }
}
