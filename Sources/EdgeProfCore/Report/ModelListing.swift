/// Renders registered model versions for `edgeprof model list` and `register`.
public enum ModelListing {
    public static func table(_ models: [RegisteredModel]) -> String {
        guard !models.isEmpty else { return "no models registered yet: edgeprof model register NAME VERSION --artifact FILE\n" }
        let width = (models.map(\.reference.description.count).max() ?? 10) + 2
        return models.map { model in
            ReportText.padded(model.reference.description, width) + "sha256 \(model.artifactSHA256.prefix(16))…  \(model.artifactBytes) bytes  \(model.artifactPath)"
        }.joined(separator: "\n") + "\n"
    }

    public static func json(_ models: [RegisteredModel]) -> String {
        ReportText.json(models) + "\n"
    }
}
