/// The telemetry tables, the same in both stores' dialects: one row per inference (unique per
/// device, arm and request id), and one per received batch key (a retried POST is recognised).
public enum TelemetrySchema {
    public static let sqlite = """
        CREATE TABLE inference_batch (
            bench TEXT NOT NULL, batch_key TEXT NOT NULL, content_sha256 TEXT NOT NULL, received_at DATETIME NOT NULL,
            stored INTEGER NOT NULL, duplicates INTEGER NOT NULL, PRIMARY KEY (bench, batch_key));
        CREATE TABLE inference (
            id INTEGER PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL, device TEXT NOT NULL, bench TEXT NOT NULL,
            arm TEXT NOT NULL, request_id TEXT NOT NULL, at DATETIME NOT NULL, received_at DATETIME NOT NULL, prediction TEXT NOT NULL,
            score REAL, latency_ms REAL, energy_mj REAL, protected_json TEXT, features_json TEXT, subject TEXT,
            label TEXT, labelled_at DATETIME, UNIQUE (device, arm, request_id));
        CREATE INDEX inference_by_version ON inference (model, version, arm, at);
        CREATE INDEX inference_by_request ON inference (model, request_id);
        CREATE INDEX inference_by_subject ON inference (subject) WHERE subject IS NOT NULL;
        """

    public static let postgres = [
        """
        CREATE TABLE inference_batch (
            bench TEXT NOT NULL, batch_key TEXT NOT NULL, content_sha256 TEXT NOT NULL, received_at TIMESTAMPTZ NOT NULL,
            stored BIGINT NOT NULL, duplicates BIGINT NOT NULL, PRIMARY KEY (bench, batch_key))
        """,
        """
        CREATE TABLE inference (
            id BIGSERIAL PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL, device TEXT NOT NULL, bench TEXT NOT NULL,
            arm TEXT NOT NULL, request_id TEXT NOT NULL, at TIMESTAMPTZ NOT NULL, received_at TIMESTAMPTZ NOT NULL, prediction TEXT NOT NULL,
            score DOUBLE PRECISION, latency_ms DOUBLE PRECISION, energy_mj DOUBLE PRECISION, protected_json TEXT, features_json TEXT,
            subject TEXT, label TEXT, labelled_at TIMESTAMPTZ, UNIQUE (device, arm, request_id))
        """,
        "CREATE INDEX inference_by_version ON inference (model, version, arm, at)",
        "CREATE INDEX inference_by_request ON inference (model, request_id)",
        "CREATE INDEX inference_by_subject ON inference (subject) WHERE subject IS NOT NULL",
    ]
}
