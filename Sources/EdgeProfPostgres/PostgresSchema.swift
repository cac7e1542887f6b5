import EdgeProfCore

/// The collector's tables in PostgreSQL, as numbered migrations applied once each (recorded in
/// `edgeprof_migration`, under an advisory lock so several collectors may start together).
enum PostgresSchema {
    static let migrations: [(version: Int, statements: [String])] = [
        (1, [
            """
            CREATE TABLE model_version (
                id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL,
                artifact_sha256 TEXT NOT NULL CHECK (length(artifact_sha256) = 64), artifact_path TEXT NOT NULL,
                artifact_bytes BIGINT NOT NULL, registered_at TIMESTAMPTZ NOT NULL, registered_by TEXT NOT NULL,
                UNIQUE (name, version))
            """,
            """
            CREATE TABLE run (
                id BIGSERIAL PRIMARY KEY, model_version_id BIGINT NOT NULL REFERENCES model_version,
                status TEXT NOT NULL CHECK (status IN ('complete', 'partial')), partial_reason TEXT,
                device_class TEXT NOT NULL, port TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ NOT NULL,
                evidence_key TEXT NOT NULL, board TEXT NOT NULL, serial TEXT NOT NULL, tick_hz BIGINT NOT NULL CHECK (tick_hz > 0),
                board_json TEXT NOT NULL, model_json TEXT NOT NULL, request_json TEXT NOT NULL, totals_json TEXT, link_json TEXT NOT NULL,
                warmup_iterations BIGINT NOT NULL, discarded_iterations BIGINT NOT NULL, energy_source TEXT, energy_note TEXT,
                firmware_json TEXT, bench TEXT, idempotency_key TEXT UNIQUE, content_sha256 TEXT)
            """,
            "CREATE INDEX run_by_device ON run (model_version_id, device_class, board, serial, id)",
            """
            CREATE TABLE iteration (
                run_id BIGINT NOT NULL REFERENCES run ON DELETE CASCADE, idx BIGINT NOT NULL,
                start_ticks BIGINT NOT NULL, end_ticks BIGINT NOT NULL, energy_nj BIGINT, inferences BIGINT,
                PRIMARY KEY (run_id, idx), CHECK (end_ticks >= start_ticks))
            """,
            """
            CREATE TABLE token (
                run_id BIGINT NOT NULL REFERENCES run ON DELETE CASCADE, iteration BIGINT NOT NULL, idx BIGINT NOT NULL,
                ticks BIGINT NOT NULL, PRIMARY KEY (run_id, iteration, idx))
            """,
            """
            CREATE TABLE api_token (
                id TEXT PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, actor TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('agent', 'person')), bench TEXT,
                created_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ, revoked_at TIMESTAMPTZ)
            """,
            "CREATE TABLE agent_report (bench TEXT PRIMARY KEY, spool_depth BIGINT NOT NULL, reported_at TIMESTAMPTZ NOT NULL)",
            """
            CREATE TABLE alert (
                id BIGSERIAL PRIMARY KEY, rule TEXT NOT NULL, severity TEXT NOT NULL, model TEXT NOT NULL,
                device_class TEXT NOT NULL, device TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')), finding_json TEXT NOT NULL,
                opened_at TIMESTAMPTZ NOT NULL, last_seen_at TIMESTAMPTZ NOT NULL, resolved_at TIMESTAMPTZ,
                acknowledged_by TEXT, acknowledged_at TIMESTAMPTZ, occurrences BIGINT NOT NULL,
                first_run_id BIGINT NOT NULL, last_run_id BIGINT NOT NULL, resolved_by_run_id BIGINT)
            """,
            "CREATE UNIQUE INDEX alert_live ON alert (rule, model, device_class, device) WHERE state <> 'resolved'",
            """
            CREATE TABLE webhook_outbox (
                id BIGSERIAL PRIMARY KEY, alert_id BIGINT NOT NULL REFERENCES alert, event TEXT NOT NULL, url TEXT NOT NULL,
                body BYTEA NOT NULL, created_at TIMESTAMPTZ NOT NULL, attempts BIGINT NOT NULL DEFAULT 0,
                next_attempt_at TIMESTAMPTZ NOT NULL, delivered_at TIMESTAMPTZ, last_error TEXT)
            """,
            "CREATE INDEX webhook_outbox_due ON webhook_outbox (delivered_at, next_attempt_at)",
        ]),
        (2, [
            """
            ALTER TABLE model_version ADD COLUMN stage TEXT NOT NULL DEFAULT 'development',
                ADD COLUMN stage_changed_at TIMESTAMPTZ, ADD COLUMN metadata_json TEXT NOT NULL DEFAULT '{}'
            """,
            // At most one version of a model serves at a time: the schema says so, not only the code.
            """
            CREATE UNIQUE INDEX one_serving_version_per_model ON model_version (name)
            WHERE stage IN ('production', 'monitoring', 'degraded', 'retraining')
            """,
            "CREATE TABLE actor (name TEXT PRIMARY KEY, roles_json TEXT NOT NULL, added_at TIMESTAMPTZ NOT NULL, added_by TEXT NOT NULL)",
            """
            CREATE TABLE approval (
                model_version_id BIGINT NOT NULL REFERENCES model_version, stage TEXT NOT NULL, actor TEXT NOT NULL REFERENCES actor,
                role TEXT NOT NULL, at TIMESTAMPTZ NOT NULL, reason TEXT NOT NULL, evidence_json TEXT NOT NULL,
                PRIMARY KEY (model_version_id, stage))
            """,
            """
            CREATE TABLE attachment (
                id BIGSERIAL PRIMARY KEY, model_version_id BIGINT NOT NULL REFERENCES model_version, kind TEXT NOT NULL,
                file_name TEXT NOT NULL, sha256 TEXT NOT NULL CHECK (length(sha256) = 64), content TEXT NOT NULL,
                attached_at TIMESTAMPTZ NOT NULL, attached_by TEXT NOT NULL)
            """,
            """
            CREATE TABLE stage_transition (
                id BIGSERIAL PRIMARY KEY, model_version_id BIGINT NOT NULL REFERENCES model_version, from_stage TEXT,
                to_stage TEXT NOT NULL, at TIMESTAMPTZ NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL)
            """,
            """
            CREATE TABLE release (
                id TEXT PRIMARY KEY CHECK (length(id) = 64), model_version_id BIGINT NOT NULL REFERENCES model_version,
                kind TEXT NOT NULL, at TIMESTAMPTZ NOT NULL, json TEXT NOT NULL)
            """,
            """
            CREATE TABLE halt_event (
                id BIGSERIAL PRIMARY KEY, model TEXT NOT NULL, halted BOOLEAN NOT NULL, at TIMESTAMPTZ NOT NULL,
                actor TEXT NOT NULL, reason TEXT NOT NULL)
            """,
            "CREATE TABLE audit_entry (sequence BIGINT PRIMARY KEY, json TEXT NOT NULL)",
            """
            CREATE FUNCTION edgeprof_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$
            """,
            """
            CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
            FOR EACH ROW EXECUTE FUNCTION edgeprof_refuse_change('the audit trail is append-only')
            """,
            """
            CREATE TRIGGER audit_entry_not_truncated BEFORE TRUNCATE ON audit_entry
            FOR EACH STATEMENT EXECUTE FUNCTION edgeprof_refuse_change('the audit trail is append-only')
            """,
            """
            CREATE TRIGGER release_immutable BEFORE UPDATE OR DELETE ON release
            FOR EACH ROW EXECUTE FUNCTION edgeprof_refuse_change('release records are immutable')
            """,
            """
            CREATE TRIGGER release_not_truncated BEFORE TRUNCATE ON release
            FOR EACH STATEMENT EXECUTE FUNCTION edgeprof_refuse_change('release records are immutable')
            """,
        ]),
        (3, [
            "CREATE TABLE artifact (sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64), bytes BYTEA NOT NULL, stored_at TIMESTAMPTZ NOT NULL)",
        ]),
        (4, [
            """
            CREATE TABLE baseline_pin (
                model TEXT NOT NULL, device_class TEXT NOT NULL, device TEXT NOT NULL, run_ids_json TEXT NOT NULL,
                pinned_by TEXT NOT NULL, pinned_at TIMESTAMPTZ NOT NULL, reason TEXT NOT NULL,
                PRIMARY KEY (model, device_class, device))
            """,
        ]),
        // A version's registrant is the actor who registered it: earlier versions stored the
        // metadata's `author` claim; the audit trail knows who acted.
        (5, [
            """
            UPDATE model_version AS m SET registered_by = a.actor
            FROM (SELECT DISTINCT ON (json::jsonb->>'subject') json::jsonb->>'subject' AS subject, json::jsonb->>'actor' AS actor
                  FROM audit_entry WHERE json::jsonb->>'action' = 'model.register'
                  ORDER BY json::jsonb->>'subject', sequence DESC) AS a
            WHERE a.subject = m.name || '@' || m.version
            """,
        ]),
        // The governance policy lives in the registry: versions, their approvals, one in force.
        (6, [
            """
            CREATE TABLE governance_policy (
                version BIGINT PRIMARY KEY, sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                state TEXT NOT NULL CHECK (state IN ('proposed', 'active', 'superseded')), json TEXT NOT NULL)
            """,
            "CREATE UNIQUE INDEX one_policy_in_force ON governance_policy (state) WHERE state = 'active'",
            """
            CREATE TABLE policy_approval (
                version BIGINT NOT NULL REFERENCES governance_policy, actor TEXT NOT NULL REFERENCES actor, role TEXT NOT NULL,
                at TIMESTAMPTZ NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (version, actor))
            """,
        ]),
        // Emergency deployments need a second tech_lead: the request waits for their decision.
        (7, [
            """
            CREATE TABLE emergency_request (
                id BIGSERIAL PRIMARY KEY, model TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'declined')), json TEXT NOT NULL,
                decided_by TEXT REFERENCES actor, decided_at TIMESTAMPTZ, decision_reason TEXT)
            """,
        ]),
        // What was granted can be withdrawn: approvals before their move, roles, actors.
        (8, [
            "ALTER TABLE actor ADD COLUMN deactivated_at TIMESTAMPTZ, ADD COLUMN deactivated_by TEXT, ADD COLUMN deactivation_reason TEXT",
            """
            CREATE TABLE approval_revocation (
                id BIGSERIAL PRIMARY KEY, model_version_id BIGINT NOT NULL REFERENCES model_version,
                revoked_at TIMESTAMPTZ NOT NULL, json TEXT NOT NULL)
            """,
        ]),
        // Webhook deliveries end in a dead-letter list instead of blocking their URL for good.
        (9, ["ALTER TABLE webhook_outbox ADD COLUMN dead_at TIMESTAMPTZ"]),
        // Every judged run keeps its findings, inconclusive ones included.
        (10, ["CREATE TABLE run_finding (run_id BIGINT PRIMARY KEY REFERENCES run, json TEXT NOT NULL)"]),
        // Runs keep their headline figures, so a page of runs reads no raw timings (filled for
        // older runs by `fillMissingHeadlines` right after).
        (11, ["ALTER TABLE run ADD COLUMN headline_json TEXT"]),
        // The fleet inventory, one row per device seen in a run (filled from the older runs by
        // `PostgresFleet.fillFromRuns` once every migration is applied).
        (12, [
            """
            CREATE TABLE fleet_device (
                device TEXT PRIMARY KEY, board TEXT NOT NULL, serial TEXT NOT NULL, device_class TEXT NOT NULL, bench TEXT,
                firmware_version TEXT NOT NULL, firmware_build TEXT NOT NULL, emulated BOOLEAN NOT NULL, labels_json TEXT NOT NULL DEFAULT '{}',
                first_seen_at TIMESTAMPTZ NOT NULL, last_seen_at TIMESTAMPTZ NOT NULL, last_run_id BIGINT NOT NULL, serving_json TEXT NOT NULL)
            """,
            "CREATE INDEX fleet_device_by_class ON fleet_device (device_class, bench)",
        ]),
        // A/B tests of a model on the fleet: the test as started (JSON) and its stop beside it.
        (13, [
            """
            CREATE TABLE ab_test (
                id BIGSERIAL PRIMARY KEY, model TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('running', 'stopped')), json TEXT NOT NULL,
                stopped_by TEXT, stopped_at TIMESTAMPTZ, stop_reason TEXT)
            """,
            "CREATE INDEX ab_test_by_model ON ab_test (model)",
        ]),
        // Devices report whether they serve or are halted.
        (14, ["ALTER TABLE fleet_device ADD COLUMN serving_state TEXT, ADD COLUMN state_reported_at TIMESTAMPTZ"]),
        // A run keeps its shadow model's iterations.
        (15, ["ALTER TABLE run ADD COLUMN shadow_json TEXT"]),
        // Inference telemetry and its labels.
        (16, TelemetrySchema.postgres),
        // Scheduled drift checks on telemetry.
        (17, DriftSchema.postgres),
        // Incidents opened from alerts and worked through playbooks.
        (18, [
            "CREATE TABLE incident (id BIGSERIAL PRIMARY KEY, model TEXT NOT NULL, state TEXT NOT NULL, json TEXT NOT NULL)",
            "CREATE INDEX incident_by_model ON incident (model, state)",
        ]),
        // A run names the bench place it was taken at and its wiring.
        (19, ["ALTER TABLE run ADD COLUMN place TEXT, ADD COLUMN wiring TEXT"]),
        // The places of each bench, as their agents report them.
        (20, [
            """
            CREATE TABLE bench_place (bench TEXT NOT NULL, place TEXT NOT NULL, json TEXT NOT NULL, reported_at TIMESTAMPTZ NOT NULL,
                stopped BOOLEAN NOT NULL, PRIMARY KEY (bench, place))
            """,
        ]),
        // A fleet device names the bench place it was last profiled at.
        (21, ["ALTER TABLE fleet_device ADD COLUMN place TEXT"]),
        // A fleet device keeps when it last answered a request (serving outages).
        (22, ["ALTER TABLE fleet_device ADD COLUMN last_inference_at TIMESTAMPTZ"]),
        // Tags, aliases and entries of models (ModelAnnotation).
        (23, [ModelAnnotationSchema.table]),
        // A device's runs by board and serial (the dashboard's device page).
        (24, ["CREATE INDEX run_by_board_serial ON run (board, serial, id)"]),
        // An iteration keeps its token count and first token, so gates read no token rows.
        (25, [IterationTokenFigures.addTokenCountColumn, IterationTokenFigures.addFirstTokenColumn, IterationTokenFigures.fillFromTokens]),
    ]
}
