/// The table of `ModelAnnotation`s, the same in SQLite and PostgreSQL: one row per address
/// (`version` is '' unless it is a version tag), the annotation itself as canonical JSON.
public enum ModelAnnotationSchema {
    public static let table = """
        CREATE TABLE model_annotation (
            model TEXT NOT NULL, kind TEXT NOT NULL, version TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL,
            PRIMARY KEY (model, kind, version, key))
        """
}
