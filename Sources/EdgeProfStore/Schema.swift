import EdgeProfCore
import GRDB

/// The database schema as a list of migrations. A migration is never modified once shipped:
/// changes come as new migrations.
enum Schema {
    /// Refuses a database a newer edgeprof wrote: its migrations are unknown here, and reading
    /// it as if they were not there could misread or damage what they changed.
    static func refuseNewer(_ reader: some DatabaseReader, location: String) throws {
        let migrator = migrator
        let superseded = try reader.read { db in try migrator.hasBeenSuperseded(db) }
        guard superseded else { return }
        let known = Set(migrator.migrations)
        let unknown = try reader.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").filter { !known.contains($0) }
        }
        throw StoreError.newerSchema(location: location, found: unknown.sorted().last ?? "?", known: migrator.migrations.last ?? "?")
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: registry and runs") { db in
            try db.create(table: "model_version") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("version", .text).notNull()
                t.column("major", .integer).notNull()
                t.column("minor", .integer).notNull()
                t.column("patch", .integer).notNull()
                t.column("artifact_sha256", .text).notNull().check { length($0) == 64 }
                t.column("artifact_path", .text).notNull()
                t.column("artifact_bytes", .integer).notNull()
                t.column("registered_at", .datetime).notNull()
                t.uniqueKey(["name", "version"])
            }
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("model_version_id", .integer).notNull().references("model_version")
                t.column("status", .text).notNull().check { ["complete", "partial"].contains($0) }
                t.column("partial_reason", .text)
                t.column("device_class", .text).notNull()
                t.column("port", .text).notNull()
                t.column("started_at", .datetime).notNull()
                t.column("finished_at", .datetime).notNull()
                t.column("evidence_key", .text).notNull()
                t.column("artifact_sha256", .text).notNull()
                t.column("board", .text).notNull()
                t.column("serial", .text).notNull()
                t.column("firmware_build", .text).notNull()
                t.column("protocol", .text).notNull()
                t.column("tick_hz", .integer).notNull().check { $0 > 0 }
                t.column("board_json", .jsonText).notNull()
                t.column("model_json", .jsonText).notNull()
                t.column("request_json", .jsonText).notNull()
                t.column("totals_json", .jsonText)
                t.column("link_json", .jsonText).notNull()
                t.column("warmup_iterations", .integer).notNull()
                t.column("discarded_iterations", .integer).notNull()
            }
            try db.create(index: "run_by_model_and_class", on: "run", columns: ["model_version_id", "device_class"])
            try db.create(index: "run_by_evidence", on: "run", columns: ["evidence_key"])
            try db.create(table: "iteration") { t in
                t.column("run_id", .integer).notNull().references("run", onDelete: .cascade)
                t.column("idx", .integer).notNull()
                t.column("start_ticks", .integer).notNull()
                t.column("end_ticks", .integer).notNull()
                t.column("energy_nj", .integer)
                t.primaryKey(["run_id", "idx"])
                t.check(sql: "end_ticks >= start_ticks")
            }
            try db.create(table: "token", options: .withoutRowID) { t in
                t.column("run_id", .integer).notNull()
                t.column("iteration", .integer).notNull()
                t.column("idx", .integer).notNull()
                t.column("ticks", .integer).notNull()
                t.primaryKey(["run_id", "iteration", "idx"])
                t.foreignKey(["run_id", "iteration"], references: "iteration", columns: ["run_id", "idx"], onDelete: .cascade)
            }
        }
        migrator.registerMigration("v2: where a run's energy came from") { db in
            try db.alter(table: "run") { t in
                t.add(column: "energy_source", .text)
                t.add(column: "energy_note", .text)
            }
        }
        migrator.registerMigration("v3: append-only audit trail") { db in
            try db.create(table: "audit_entry") { t in
                t.primaryKey("sequence", .integer)
                t.column("json", .jsonText).notNull()
            }
            try db.execute(sql: """
                CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                """)
        }
        migrator.registerMigration("v4: governance") { db in
            try db.alter(table: "model_version") { t in
                t.add(column: "registered_by", .text).notNull().defaults(to: "")
                t.add(column: "stage", .text).notNull().defaults(to: "development")
                t.add(column: "stage_changed_at", .datetime)
                t.add(column: "metadata_json", .jsonText).notNull().defaults(to: "{}")
            }
            // At most one version of a model serves at a time: the schema says so, not only the code.
            try db.execute(sql: """
                CREATE UNIQUE INDEX one_serving_version_per_model ON model_version(name)
                WHERE stage IN ('production', 'monitoring', 'degraded', 'retraining')
                """)
            try db.create(table: "actor") { t in
                t.primaryKey("name", .text)
                t.column("roles_json", .jsonText).notNull()
                t.column("added_at", .datetime).notNull()
                t.column("added_by", .text).notNull()
            }
            try db.create(table: "approval") { t in
                t.column("model_version_id", .integer).notNull().references("model_version")
                t.column("stage", .text).notNull()
                t.column("actor", .text).notNull().references("actor")
                t.column("role", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("reason", .text).notNull()
                t.column("evidence_json", .jsonText).notNull()
                t.primaryKey(["model_version_id", "stage"])
            }
            try db.create(table: "attachment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("model_version_id", .integer).notNull().references("model_version")
                t.column("kind", .text).notNull()
                t.column("file_name", .text).notNull()
                t.column("sha256", .text).notNull().check { length($0) == 64 }
                t.column("content", .text).notNull()
                t.column("attached_at", .datetime).notNull()
                t.column("attached_by", .text).notNull()
            }
            try db.create(table: "stage_transition") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("model_version_id", .integer).notNull().references("model_version")
                t.column("from_stage", .text)
                t.column("to_stage", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("actor", .text).notNull()
                t.column("reason", .text).notNull()
            }
            try db.create(table: "release") { t in
                t.primaryKey("id", .text).check { length($0) == 64 }
                t.column("model_version_id", .integer).notNull().references("model_version")
                t.column("kind", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("json", .jsonText).notNull()
            }
            try db.create(table: "halt_event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("model", .text).notNull()
                t.column("halted", .boolean).notNull()
                t.column("at", .datetime).notNull()
                t.column("actor", .text).notNull()
                t.column("reason", .text).notNull()
            }
            try db.execute(sql: """
                CREATE TRIGGER release_no_update BEFORE UPDATE ON release
                BEGIN SELECT RAISE(ABORT, 'release records are immutable'); END;
                CREATE TRIGGER release_no_delete BEFORE DELETE ON release
                BEGIN SELECT RAISE(ABORT, 'release records are immutable'); END;
                """)
        }
        migrator.registerMigration("v5: firmware image sizes with the run") { db in
            try db.alter(table: "run") { t in
                t.add(column: "firmware_json", .jsonText)
            }
        }
        migrator.registerMigration("v6: inferences per timed iteration (MLPerf Tiny windows)") { db in
            try db.alter(table: "iteration") { t in
                t.add(column: "inferences", .integer)
            }
        }
        migrator.registerMigration("v7: collector: run origin, API tokens, agent reports") { db in
            try db.alter(table: "run") { t in
                t.add(column: "bench", .text)
                t.add(column: "idempotency_key", .text)
                t.add(column: "content_sha256", .text)
            }
            try db.execute(sql: "CREATE UNIQUE INDEX run_by_idempotency_key ON run(idempotency_key) WHERE idempotency_key IS NOT NULL")
            try db.create(table: "api_token") { t in
                t.primaryKey("id", .text)
                t.column("sha256", .text).notNull().unique()
                t.column("actor", .text).notNull()
                t.column("kind", .text).notNull().check { ["agent", "person"].contains($0) }
                t.column("bench", .text)
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime)
                t.column("revoked_at", .datetime)
            }
            try db.create(table: "agent_report") { t in
                t.primaryKey("bench", .text)
                t.column("spool_depth", .integer).notNull()
                t.column("reported_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v8: per-device monitoring: alerts and the webhook outbox") { db in
            try db.create(index: "run_by_device", on: "run", columns: ["model_version_id", "device_class", "board", "serial", "id"])
            try db.create(table: "alert") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("rule", .text).notNull()
                t.column("severity", .text).notNull()
                t.column("model", .text).notNull()
                t.column("device_class", .text).notNull()
                t.column("device", .text).notNull()
                t.column("state", .text).notNull().check { ["open", "acknowledged", "resolved"].contains($0) }
                t.column("finding_json", .jsonText).notNull()
                t.column("opened_at", .datetime).notNull()
                t.column("last_seen_at", .datetime).notNull()
                t.column("resolved_at", .datetime)
                t.column("acknowledged_by", .text)
                t.column("acknowledged_at", .datetime)
                t.column("occurrences", .integer).notNull()
                t.column("first_run_id", .integer).notNull()
                t.column("last_run_id", .integer).notNull()
                t.column("resolved_by_run_id", .integer)
            }
            try db.execute(sql: "CREATE UNIQUE INDEX alert_live ON alert(rule, model, device_class, device) WHERE state != 'resolved'")
            try db.create(table: "webhook_outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("alert_id", .integer).notNull().references("alert")
                t.column("event", .text).notNull()
                t.column("url", .text).notNull()
                t.column("body", .blob).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .datetime).notNull()
                t.column("delivered_at", .datetime)
                t.column("last_error", .text)
            }
            try db.create(index: "webhook_outbox_due", on: "webhook_outbox", columns: ["delivered_at", "next_attempt_at"])
        }
        migrator.registerMigration("v9: artifacts kept in the registry (versions registered over the API)") { db in
            try db.create(table: "artifact") { t in
                t.primaryKey("sha256", .text).check { length($0) == 64 }
                t.column("bytes", .blob).notNull()
                t.column("stored_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v10: baselines pinned by people") { db in
            try db.create(table: "baseline_pin") { t in
                t.column("model", .text).notNull()
                t.column("device_class", .text).notNull()
                t.column("device", .text).notNull()
                t.column("run_ids_json", .jsonText).notNull()
                t.column("pinned_by", .text).notNull()
                t.column("pinned_at", .datetime).notNull()
                t.column("reason", .text).notNull()
                t.primaryKey(["model", "device_class", "device"])
            }
        }
        migrator.registerMigration("v11: a version's registrant is the actor who registered it") { db in
            // Earlier versions stored the metadata's `author` claim here; the audit trail knows who acted.
            try db.execute(sql: """
                UPDATE model_version SET registered_by = COALESCE((
                    SELECT json_extract(json, '$.actor') FROM audit_entry
                    WHERE json_extract(json, '$.action') = 'model.register'
                      AND json_extract(json, '$.subject') = model_version.name || '@' || model_version.version
                    ORDER BY sequence DESC LIMIT 1), registered_by)
                """)
        }
        migrator.registerMigration("v12: the governance policy lives in the registry") { db in
            try db.create(table: "governance_policy") { t in
                t.primaryKey("version", .integer)
                t.column("sha256", .text).notNull().check { length($0) == 64 }
                t.column("state", .text).notNull().check { ["proposed", "active", "superseded"].contains($0) }
                t.column("json", .jsonText).notNull()
            }
            try db.execute(sql: "CREATE UNIQUE INDEX one_policy_in_force ON governance_policy(state) WHERE state = 'active'")
            try db.create(table: "policy_approval") { t in
                t.column("version", .integer).notNull().references("governance_policy")
                t.column("actor", .text).notNull().references("actor")
                t.column("role", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("reason", .text).notNull()
                t.primaryKey(["version", "actor"])
            }
        }
        migrator.registerMigration("v13: emergency deployments need a second tech_lead") { db in
            try db.create(table: "emergency_request") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("model", .text).notNull()
                t.column("state", .text).notNull().check { ["pending", "confirmed", "declined"].contains($0) }
                t.column("json", .jsonText).notNull()
                t.column("decided_by", .text).references("actor")
                t.column("decided_at", .datetime)
                t.column("decision_reason", .text)
            }
        }
        migrator.registerMigration("v14: approvals, roles and actors can be withdrawn") { db in
            try db.alter(table: "actor") { t in
                t.add(column: "deactivated_at", .datetime)
                t.add(column: "deactivated_by", .text)
                t.add(column: "deactivation_reason", .text)
            }
            try db.create(table: "approval_revocation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("model_version_id", .integer).notNull().references("model_version")
                t.column("revoked_at", .datetime).notNull()
                t.column("json", .jsonText).notNull()
            }
        }
        migrator.registerMigration("v15: webhook deliveries end in a dead-letter list") { db in
            try db.alter(table: "webhook_outbox") { t in t.add(column: "dead_at", .datetime) }
        }
        migrator.registerMigration("v16: every judged run keeps its monitoring findings") { db in
            try db.create(table: "run_finding") { t in
                t.primaryKey("run_id", .integer).references("run")
                t.column("json", .jsonText).notNull()
            }
        }
        // Older runs get theirs from `SQLiteEvidenceStore.fillMissingHeadlines` when the store opens.
        migrator.registerMigration("v17: runs keep their headline figures, so listings read no raw timings") { db in
            try db.alter(table: "run") { t in t.add(column: "headline_json", .jsonText) }
        }
        // Filled from older runs by `SQLiteEvidenceStore.fillFleetFromRuns` once every migration is applied.
        migrator.registerMigration("v18: the fleet inventory, one row per device seen in a run") { db in
            try db.create(table: "fleet_device") { t in
                t.primaryKey("device", .text)
                t.column("board", .text).notNull()
                t.column("serial", .text).notNull()
                t.column("device_class", .text).notNull()
                t.column("bench", .text)
                t.column("firmware_version", .text).notNull()
                t.column("firmware_build", .text).notNull()
                t.column("emulated", .boolean).notNull()
                t.column("labels_json", .jsonText).notNull().defaults(to: "{}")
                t.column("first_seen_at", .datetime).notNull()
                t.column("last_seen_at", .datetime).notNull()
                t.column("last_run_id", .integer).notNull()
                t.column("serving_json", .jsonText).notNull()
            }
            try db.create(index: "fleet_device_by_class", on: "fleet_device", columns: ["device_class", "bench"])
        }
        migrator.registerMigration("v19: A/B tests of a model on the fleet") { db in
            try db.create(table: "ab_test") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("model", .text).notNull().indexed()
                t.column("state", .text).notNull()
                t.column("json", .jsonText).notNull()
                t.column("stopped_by", .text)
                t.column("stopped_at", .datetime)
                t.column("stop_reason", .text)
            }
        }
        migrator.registerMigration("v20: devices report whether they serve or are halted") { db in
            try db.alter(table: "fleet_device") { t in
                t.add(column: "serving_state", .text)
                t.add(column: "state_reported_at", .datetime)
            }
        }
        // Every open looks for runs without a headline: this keeps that a lookup of an empty
        // index instead of a scan of every run (about 10 ms at 10 000 runs, on every command).
        migrator.registerMigration("v21: find runs without a headline without reading every run") { db in
            try db.execute(sql: "CREATE INDEX run_without_headline ON run (id) WHERE headline_json IS NULL")
        }
        migrator.registerMigration("v22: a run keeps its shadow model's iterations") { db in
            try db.alter(table: "run") { t in t.add(column: "shadow_json", .jsonText) }
        }
        migrator.registerMigration("v23: inference telemetry and its labels") { db in
            try db.execute(sql: TelemetrySchema.sqlite)
        }
        migrator.registerMigration("v24: scheduled drift checks on telemetry") { db in
            try db.execute(sql: DriftSchema.sqlite)
        }
        migrator.registerMigration("v25: incidents opened from alerts and worked through playbooks") { db in
            try db.execute(sql: "CREATE TABLE incident (id INTEGER PRIMARY KEY, model TEXT NOT NULL, state TEXT NOT NULL, json TEXT NOT NULL)")
            try db.execute(sql: "CREATE INDEX incident_by_model ON incident (model, state)")
        }
        migrator.registerMigration("v26: a run names the bench place it was taken at and its wiring") { db in
            try db.alter(table: "run") { t in
                t.add(column: "place", .text)
                t.add(column: "wiring", .text)
            }
        }
        migrator.registerMigration("v27: the places of each bench, as their agents report them") { db in
            try db.execute(sql: """
                CREATE TABLE bench_place (bench TEXT NOT NULL, place TEXT NOT NULL, json TEXT NOT NULL, reported_at DATETIME NOT NULL,
                    stopped BOOLEAN NOT NULL, PRIMARY KEY (bench, place))
                """)
        }
        migrator.registerMigration("v28: a fleet device names the bench place it was last profiled at") { db in
            try db.alter(table: "fleet_device") { t in t.add(column: "place", .text) }
        }
        migrator.registerMigration("v29: a fleet device keeps when it last answered a request (serving outages)") { db in
            try db.alter(table: "fleet_device") { t in t.add(column: "last_inference_at", .datetime) }
        }
        migrator.registerMigration("v30: tags, aliases and entries of models (ModelAnnotation)") { db in
            try db.execute(sql: ModelAnnotationSchema.table)
        }
        migrator.registerMigration("v31: a device's runs by board and serial (the dashboard's device page)") { db in
            try db.execute(sql: "CREATE INDEX run_by_board_serial ON run (board, serial, id)")
        }
        migrator.registerMigration("v32: an iteration keeps its token count and first token, so gates read no token rows") { db in
            try db.execute(sql: IterationTokenFigures.addTokenCountColumn)
            try db.execute(sql: IterationTokenFigures.addFirstTokenColumn)
            try db.execute(sql: IterationTokenFigures.fillFromTokens)
        }
        return migrator
    }
}
