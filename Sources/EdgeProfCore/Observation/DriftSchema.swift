/// The drift scheduler's tables, the same in both stores' dialects: one row per window a
/// collector claimed (and completed), one per check it stored. The primary key of a window and
/// the unique key of a check are what keep two collectors on one database from running a window
/// twice or storing a check twice.
public enum DriftSchema {
    public static let sqlite = """
        CREATE TABLE drift_window (
            cadence TEXT NOT NULL, window_start DATETIME NOT NULL, claimed_by TEXT NOT NULL, claimed_at DATETIME NOT NULL,
            completed_at DATETIME, checks INTEGER, PRIMARY KEY (cadence, window_start));
        CREATE TABLE drift_check (
            id INTEGER PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL, device_class TEXT NOT NULL, kind TEXT NOT NULL,
            window_start DATETIME NOT NULL, window_end DATETIME NOT NULL, state TEXT NOT NULL, severity TEXT NOT NULL, value REAL,
            threshold REAL, p_value REAL, summary TEXT NOT NULL, reference_samples INTEGER NOT NULL, current_samples INTEGER NOT NULL,
            policy_sha256 TEXT NOT NULL, checked_at DATETIME NOT NULL, checked_by TEXT NOT NULL,
            UNIQUE (model, version, device_class, kind, window_start));
        CREATE INDEX drift_check_by_model ON drift_check (model, kind, window_start);
        CREATE INDEX inference_by_time ON inference (at);
        """

    public static let postgres = [
        """
        CREATE TABLE drift_window (
            cadence TEXT NOT NULL, window_start TIMESTAMPTZ NOT NULL, claimed_by TEXT NOT NULL, claimed_at TIMESTAMPTZ NOT NULL,
            completed_at TIMESTAMPTZ, checks BIGINT, PRIMARY KEY (cadence, window_start))
        """,
        """
        CREATE TABLE drift_check (
            id BIGSERIAL PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL, device_class TEXT NOT NULL, kind TEXT NOT NULL,
            window_start TIMESTAMPTZ NOT NULL, window_end TIMESTAMPTZ NOT NULL, state TEXT NOT NULL, severity TEXT NOT NULL,
            value DOUBLE PRECISION, threshold DOUBLE PRECISION, p_value DOUBLE PRECISION, summary TEXT NOT NULL,
            reference_samples BIGINT NOT NULL, current_samples BIGINT NOT NULL, policy_sha256 TEXT NOT NULL, checked_at TIMESTAMPTZ NOT NULL,
            checked_by TEXT NOT NULL, UNIQUE (model, version, device_class, kind, window_start))
        """,
        "CREATE INDEX drift_check_by_model ON drift_check (model, kind, window_start)",
        "CREATE INDEX inference_by_time ON inference (at)",
    ]
}
