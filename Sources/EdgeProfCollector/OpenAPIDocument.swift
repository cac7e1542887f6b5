import EdgeProfCore
import Foundation

/// The OpenAPI 3.1 description of the routes in `CollectorRoute`, served at /openapi.json.
enum OpenAPIDocument {
    static func json() -> Data {
        var paths: [String: [String: Any]] = [:]
        for route in CollectorRoute.allCases {
            paths[route.openAPIPath, default: [:]][route.method.rawValue.lowercased()] = operation(route)
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "EdgeProf collector",
                "version": EdgeProfVersion.current,
                "description": "Agents upload runs; people query runs, models and agents. Errors are JSON: {\"error\": {\"status\", \"code\", \"message\"}}.",
            ],
            "paths": paths,
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "description": "ept_… tokens from `edgeprof collector token create`"]],
                "schemas": schemas,
            ],
        ]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
    }

    private static func operation(_ route: CollectorRoute) -> [String: Any] {
        var operation: [String: Any] = ["operationId": route.rawValue, "summary": route.summary]
        if route.access != .open {
            operation["security"] = [["bearer": [String]()]]
        }
        var responses: [String: Any] = [:]
        switch route {
        case .health:
            responses["200"] = plain("ok")
        case .openAPI:
            responses["200"] = json(["type": "object"])
        case .metrics:
            responses["200"] = ["description": "Prometheus text exposition 0.0.4", "content": ["text/plain": ["schema": ["type": "string"]]]]
        case .uploadRun:
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": ref("RunUpload")]]]
            operation["parameters"] = [[
                "name": "X-EdgeProf-Spool-Depth", "in": "header", "required": false,
                "schema": ["type": "integer", "minimum": 0], "description": "Runs still waiting in the agent's spool.",
            ]]
            responses["201"] = json(ref("RunReceipt"), "stored")
            responses["200"] = json(ref("RunReceipt"), "already stored under this idempotency key")
            responses["409"] = error("the key names another run, or the artifact is not the registered one")
            responses["413"] = error("body larger than the collector accepts")
            responses["422"] = error("the run is not valid or its model is not registered")
        case .listRuns:
            operation["parameters"] = [
                query("model", OpenAPISchemas.modelReference, "NAME@VERSION"),
                query("deviceClass", OpenAPISchemas.benchName, "device class"),
                query("bench", OpenAPISchemas.benchName, "bench (agent)"),
                query("after", ["type": "integer", "minimum": 0, "maximum": Int64.max], "return runs with ids above this (the previous page's next)"),
                query("limit", ["type": "integer", "minimum": 1, "maximum": 500], "page size, 50 by default"),
            ]
            responses["200"] = json(ref("RunPage"))
        case .getRun:
            operation["parameters"] = [["name": "id", "in": "path", "required": true, "schema": OpenAPISchemas.id]]
            responses["200"] = json(["type": "object", "description": "the stored run: model, context and the recorded run with raw ticks"])
            responses["404"] = error("no such run")
        case .runFindings:
            operation["parameters"] = [["name": "id", "in": "path", "required": true, "schema": OpenAPISchemas.id]]
            responses["200"] = json(["type": "array", "items": ["type": "object"]])
            responses["404"] = error("no such run, or it was not judged (a baseline run)")
        case .listModels:
            responses["200"] = json(["type": "array", "items": ref("Model")])
        case .reportAgent:
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": ref("AgentReportRequest")]]]
            responses["204"] = ["description": "recorded"]
            responses["422"] = error("invalid report")
        case .listAgents:
            responses["200"] = json(["type": "array", "items": ref("AgentReport")])
        case .listBenchPlaces:
            responses["200"] = json(["type": "array", "items": ref("BenchPlaceStatus")])
        case .listAlerts:
            operation["parameters"] = [
                query("state", ["type": "string", "enum": AlertState.allCases.map(\.rawValue)], "only alerts in this state"),
                query("limit", ["type": "integer", "minimum": 1, "maximum": 500], "at most this many, 100 by default"),
            ]
            responses["200"] = json(["type": "array", "items": ref("Alert")])
        case .listDeliveries:
            operation["parameters"] = [
                query("state", ["type": "string", "enum": WebhookDeliveryState.allCases.map(\.rawValue)], "dead (the default), pending or delivered"),
                query("limit", ["type": "integer", "minimum": 1, "maximum": 500], "at most this many, 100 by default"),
            ]
            responses["200"] = json(["type": "array", "items": ["type": "object"]])
        case .resendDelivery:
            operation["parameters"] = [["name": "id", "in": "path", "required": true, "schema": OpenAPISchemas.id]]
            responses["202"] = ["description": "queued again"]
            responses["404"] = error("no such dead delivery")
        case .listBaselines:
            responses["200"] = json(["type": "array", "items": ref("BaselinePin")])
        case .pinBaseline:
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": [
                "type": "object", "additionalProperties": false, "required": ["model", "deviceClass", "device", "runIDs", "reason"],
                "properties": [
                    "model": OpenAPISchemas.modelReference, "deviceClass": OpenAPISchemas.benchName, "device": OpenAPISchemas.device,
                    "runIDs": ["type": "array", "minItems": 1, "maxItems": BaselinePin.maximumRuns, "items": OpenAPISchemas.id],
                    "reason": OpenAPISchemas.prose,
                ],
            ] as [String: Any]]]]
            responses["201"] = json(ref("BaselinePin"), "pinned")
            responses["422"] = error("a run that does not exist, is partial, or is of another model version or device")
        case .unpinBaseline:
            operation["parameters"] = [
                required(query("model", OpenAPISchemas.modelReference, "NAME@VERSION")),
                required(query("deviceClass", OpenAPISchemas.benchName, "device class")),
                required(query("device", OpenAPISchemas.device, "BOARD:SERIAL")),
            ]
            responses["200"] = json(["type": "object"], "unpinned: the device's first complete runs are its baseline again")
            responses["404"] = error("nothing was pinned for that device")
        case .ingestInferences:
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": OpenAPISchemas.inferenceBatch]]]
            responses["201"] = json(ref("InferenceReceipt"), "stored (records sent before are counted as duplicates)")
            responses["200"] = json(ref("InferenceReceipt"), "this batch key was stored before with the same records")
            responses["403"] = error("not an agent token, or a device of another bench")
            responses["409"] = error("the batch key was used before for other records")
            responses["422"] = error("a record is not valid, or names a device the fleet does not know or a version that is not registered")
        case .labelInferences:
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": OpenAPISchemas.inferenceLabels]]]
            responses["200"] = json(["type": "object", "required": ["joined", "unmatched"], "properties": ["joined": ["type": "integer"], "unmatched": ["type": "integer"]]])
            responses["403"] = error("not an agent token")
            responses["422"] = error("a label is not valid")
        case .inferenceMetrics:
            operation["parameters"] = [
                required(query("model", OpenAPISchemas.modelName, "the model's name")),
                query("hours", ["type": "number", "minimum": 0.01, "maximum": 2160], "the window, ending now (24 by default)"),
            ]
            responses["200"] = json(["type": "object", "required": ["model", "since", "thresholds", "groups"]])
        case .driftHistory:
            operation["parameters"] = [
                required(query("model", OpenAPISchemas.modelName, "the model's name")),
                query("version", OpenAPISchemas.semanticVersion, "only this version"),
                query("kind", ["type": "string", "enum": DriftKind.allCases.map(\.rawValue)], "only this kind of drift"),
                query("class", OpenAPISchemas.benchName, "only this device class"),
                query("limit", ["type": "integer", "minimum": 1, "maximum": 10000], "at most this many checks (200 by default)"),
            ]
            responses["200"] = json(["type": "array", "items": ["type": "object", "required": ["subject", "kind", "windowStart", "windowEnd", "severity", "outcome", "policySHA256", "checkedAt", "checkedBy"]]])
        case .abTestVerdict:
            operation["parameters"] = [["name": "abTestID", "in": "path", "required": true, "schema": OpenAPISchemas.id, "description": "the A/B test's id"]]
            responses["200"] = json(["type": "object", "required": ["test", "a", "b", "armA", "armB", "verdict"]],
                                    "the arms' figures and the verdict: inconclusive, b-wins, b-loses or no-difference, with each metric's test")
            responses["404"] = error("no such A/B test")
        case .inferenceCounts:
            operation["parameters"] = [required(query("model", OpenAPISchemas.modelName, "the model's name"))]
            responses["200"] = json(["type": "array", "items": ["type": "object", "required": ["model", "arm", "records", "labelled"]]])
        case .acknowledgeAlert:
            operation["parameters"] = [["name": "id", "in": "path", "required": true, "schema": OpenAPISchemas.id]]
            responses["200"] = json(ref("Alert"), "acknowledged (or already acknowledged or resolved: unchanged)")
            responses["404"] = error("no such alert")
        default:
            var parameters: [[String: Any]] = []
            if route.path.contains(":name") {
                parameters.append(["name": "name", "in": "path", "required": true, "schema": OpenAPISchemas.modelName])
            }
            if route.path.contains(":version") {
                parameters.append(["name": "version", "in": "path", "required": true, "schema": OpenAPISchemas.semanticVersion, "description": "semantic version"])
            }
            if route.path.contains(":actor") {
                parameters.append(["name": "actor", "in": "path", "required": true, "schema": OpenAPISchemas.actorName, "description": "the actor's name"])
            }
            if route.path.contains(":device") {
                parameters.append(["name": "device", "in": "path", "required": true, "schema": OpenAPISchemas.device, "description": "BOARD:SERIAL"])
            }
            if route == .listDevices || route == .fleetStatus {
                parameters += [
                    query("deviceClass", OpenAPISchemas.benchName, "only this device class"), query("bench", OpenAPISchemas.benchName, "only this bench"),
                    query("label", ["type": "string", "pattern": #"^[a-z0-9][a-z0-9._/-]{0,62}=[^\x00-\x1f\x7f-\x9f]{1,128}$"#], "only devices carrying this label (KEY=VALUE)"),
                ]
            }
            if route == .fetchArtifact {
                parameters.append(["name": "sha256", "in": "path", "required": true, "schema": ["type": "string", "pattern": "^[0-9a-f]{64}$"],
                                   "description": "the artifact's SHA-256, 64 lower-case hex digits"])
            }
            if route.path.contains(":abTestID") {
                parameters.append(["name": "abTestID", "in": "path", "required": true, "schema": OpenAPISchemas.id, "description": "the A/B test's id"])
            }
            if route.path.contains(":incidentID") {
                parameters.append(["name": "incidentID", "in": "path", "required": true, "schema": OpenAPISchemas.id, "description": "the incident's id"])
            }
            if route == .listIncidents {
                parameters += [
                    query("model", OpenAPISchemas.modelName, "only this model's incidents"),
                    query("state", ["type": "string", "enum": Incident.State.allCases.map(\.rawValue)], "only incidents in this state"),
                ]
            }
            if route == .listABTests {
                parameters.append(query("model", OpenAPISchemas.modelName, "only this model's tests"))
            }
            if route.path.contains(":policyVersion") {
                parameters.append(["name": "policyVersion", "in": "path", "required": true, "schema": ["type": "integer", "minimum": 0, "maximum": Int64.max],
                                   "description": "the policy version (0 is the built-in policy)"])
            }
            if route == .modelCard {
                parameters.append(query("format", ["type": "string", "enum": ModelCardFormat.allCases.map(\.rawValue)], "markdown by default"))
            }
            if route == .auditLog {
                parameters.append(query("model", OpenAPISchemas.modelName, "only the acts on this model (any version)"))
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let body = governanceBody(route).map(OpenAPISchemas.nullableOptionals) {
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": body]]]
            }
            switch route {
            case .rollbackProgress:
                responses["200"] = json(["type": "object"], "the latest rollback: from, to, decidedBy, automatic, state (verified or partial), devices, verified, stragglers, secondsToVerified")
                responses["404"] = error("no such model, or it was never rolled back")
            case .fetchArtifact:
                responses["200"] = ["description": "the artifact's bytes", "content": ["application/octet-stream": ["schema": ["type": "string", "format": "binary"]]]]
                responses["403"] = error("an agent token asked for an artifact the registry does not assign to its bench's devices")
                responses["404"] = error("no registered version has this artifact, or the collector cannot read its bytes")
                responses["409"] = error("the stored bytes no longer have this SHA-256")
            case .modelCard:
                responses["200"] = ["description": "the card", "content": Dictionary(uniqueKeysWithValues: ["text/markdown", "text/html"].map { ($0, ["schema": ["type": "string"]]) })
                    .merging(["application/json": ["schema": ["type": "object"]], "application/yaml": ["schema": [String: Any]()]]) { $1 }]
            case .listActors, .auditLog, .listPolicies, .listDevices, .listABTests, .listIncidents:
                responses["200"] = json(["type": "array", "items": ["type": "object"]])
            case .modelGates:
                responses["200"] = json(["type": "array", "items": ["type": "object"]], "each gate with its outcome and evidence")
            case .shadowReport:
                responses["200"] = json(["type": "object"], "the shadow report: window, pairs, agreementRate, candidateFigures, servedFigures, tests, deviceClasses, outcome, findings")
            case .auditCheckpoint:
                responses["200"] = json(["type": "object"], "the signed head")
                responses["422"] = error("the collector holds no audit key (collector serve --audit-key)")
            case .registerVersion, .attachEvidence, .addActor, .requestEmergency, .proposePolicy, .startABTest:
                responses["201"] = json(["type": "object"], "recorded, with its audit entry")
            case .eraseTelemetry:
                responses["200"] = json(["type": "object", "required": ["erased"], "properties": ["erased": ["type": "integer"]]], "erased, with its audit entry")
                responses["404"] = error("no stored inference record names this subject")
            default:
                responses["200"] = json(["type": "object"], "the registry's answer, as `edgeprof … --format json` prints it")
            }
            if route.path.contains(":name") || route.path.contains(":actor") { responses["404"] = error("no such model, version or actor") }
            if route.path.contains(":device") {
                parameters.append(["name": "device", "in": "path", "required": true, "schema": OpenAPISchemas.device, "description": "BOARD:SERIAL"])
            }
            if route == .listDevices || route == .fleetStatus {
                parameters += [
                    query("deviceClass", OpenAPISchemas.benchName, "only this device class"), query("bench", OpenAPISchemas.benchName, "only this bench"),
                    query("label", ["type": "string", "pattern": #"^[a-z0-9][a-z0-9._/-]{0,62}=[^\x00-\x1f\x7f-\x9f]{1,128}$"#], "only devices carrying this label (KEY=VALUE)"),
                ]
            }
            if route.path.contains(":policyVersion") { responses["404"] = error("no such policy version") }
            if route.path.contains(":device") { responses["404"] = error("no such device in the fleet") }
            if route.path.contains(":abTestID") { responses["404"] = error("no such A/B test") }
            if route.path.contains(":incidentID") { responses["404"] = error("no such incident") }
            if route == .proposePolicy { responses["422"] = error("a policy or thresholds text that does not parse") }
            if route.mutates { responses["409"] = error("an illegal lifecycle move, a gate that does not pass, a changed artifact, a duplicate") }
            if [.registerVersion, .gateCheck].contains(route) { responses["422"] = error("metadata or thresholds that do not parse") }
        }
        if route.access != .open {
            responses["401"] = error("no token, or an unknown, expired or revoked one")
            responses["403"] = error("the token may not do this")
            responses["429"] = error("too many failed authentications from this address; retry after Retry-After seconds")
            responses["503"] = error("the database is unreachable; retry")
            responses["400"] = error("a malformed request: a parameter or body the document does not allow")
        }
        if route.hasBody {
            responses["408"] = error("the body did not arrive whole within the body timeout")
            responses["413"] = error("a body larger than the collector accepts")
            responses["415"] = error("a body that is not application/json")
        }
        if route.path.contains(":") { responses["404"] = responses["404"] ?? error("no such resource") }
        if route.mutates {
            responses["409"] = responses["409"] ?? error("the request conflicts with the registry's state or rules")
            responses["422"] = responses["422"] ?? error("the content is well-formed but cannot be accepted (named in the message)")
        }
        responses["500"] = error("the collector failed unexpectedly; the detail is in its log")
        operation["responses"] = responses
        return operation
    }

    private static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    private static func governanceBody(_ route: CollectorRoute) -> [String: Any]? {
        let reason = OpenAPISchemas.prose
        switch route {
        case .approveVersion:
            return ["type": "object", "additionalProperties": false, "required": ["stage", "reason"],
                    "properties": ["stage": ["type": "string", "enum": ApprovalStage.allCases.map(\.rawValue)], "reason": reason,
                                   "evidence": ["type": "array", "items": ["type": "string"]]]]
        case .promoteVersion:
            return ["type": "object", "additionalProperties": false, "required": ["reason"],
                    "properties": ["to": ["type": "string", "enum": LifecycleStage.allCases.map(\.rawValue)], "reason": reason]]
        case .requestEmergency:
            return ["type": "object", "additionalProperties": false, "required": ["reason", "informed"],
                    "properties": ["reason": reason,
                                   "informed": ["type": "array", "minItems": 1, "items": OpenAPISchemas.prose, "description": "who was told of the emergency deployment"],
                                   "liftHalt": ["type": "boolean", "description": "the model is halted and the confirmation lifts the halt"]]]
        case .rollbackModel:
            return ["type": "object", "additionalProperties": false, "required": ["reason"],
                    "properties": ["to": OpenAPISchemas.semanticVersion, "reason": reason]]
        case .grantRole, .removeRole:
            return ["type": "object", "additionalProperties": false, "required": ["role", "reason"],
                    "properties": ["role": ["type": "string", "enum": GovernanceRole.allCases.map(\.rawValue)], "reason": reason]]
        case .revokeApproval:
            return ["type": "object", "additionalProperties": false, "required": ["stage", "reason"],
                    "properties": ["stage": ["type": "string", "enum": ApprovalStage.allCases.map(\.rawValue)], "reason": reason]]
        case .retireVersion, .haltModel, .resumeModel, .confirmEmergency, .declineEmergency, .deactivateActor, .reactivateActor, .approvePolicy, .stopABTest:
            return ["type": "object", "additionalProperties": false, "required": ["reason"], "properties": ["reason": reason]]
        case .acknowledgeIncident:
            return ["type": "object", "additionalProperties": false, "properties": ["note": reason]]
        case .assignIncident:
            return ["type": "object", "additionalProperties": false, "required": ["assignee"], "properties": ["assignee": OpenAPISchemas.actorName, "reason": reason]]
        case .resolveIncident:
            return ["type": "object", "additionalProperties": false, "required": ["resolution"], "properties": ["resolution": reason]]
        case .reviewIncident:
            return ["type": "object", "additionalProperties": false, "required": ["notes"], "properties": ["notes": reason]]
        case .eraseTelemetry:
            return ["type": "object", "additionalProperties": false, "required": ["subject", "reason"],
                    "properties": ["subject": ["type": "string", "minLength": 1, "maxLength": 128], "reason": reason]]
        case .reportDevice:
            return ["type": "object", "additionalProperties": false, "required": ["servingState", "artifactSHA256"],
                    "properties": ["servingState": ["type": "string", "enum": ServingState.allCases.map(\.rawValue)],
                                   "artifactSHA256": ["type": "string", "pattern": "^[0-9a-f]{64}$"],
                                   "shadowArtifactSHA256": OpenAPISchemas.nullable(["type": "string", "pattern": "^[0-9a-f]{64}$"])]]
        case .startABTest:
            return ["type": "object", "additionalProperties": false, "required": ["model", "b", "reason"],
                    "properties": ["model": OpenAPISchemas.modelName, "b": OpenAPISchemas.semanticVersion.merging(["description": "the candidate version (staging or canary)"]) { $1 },
                                   "split": ["type": "number", "exclusiveMinimum": 0, "maximum": 0.5, "description": "share to B (default 0.1)"],
                                   "unit": ["type": "string", "enum": ABTest.Unit.allCases.map(\.rawValue)],
                                   "minimumSamples": ["type": "integer", "minimum": 1, "maximum": 100_000_000],
                                   "maximumHours": ["type": "number", "exclusiveMinimum": 0, "maximum": 2160], "reason": reason]]
        case .labelDevice:
            let key = "^[a-z0-9][a-z0-9._/-]{0,62}$"
            return ["type": "object", "additionalProperties": false, "required": ["reason"],
                    "properties": ["set": ["type": "object", "propertyNames": ["pattern": key], "additionalProperties": ["type": "string", "pattern": "^[^\\x00-\\x1f\\x7f-\\x9f]{1,128}$"]],
                                   "remove": ["type": "array", "items": ["type": "string", "pattern": key]], "reason": reason]]
        case .proposePolicy:
            return ["type": "object", "additionalProperties": false, "required": ["policy", "reason"],
                    "properties": ["policy": ["type": "string", "description": "the policy YAML (docs/governance.md)"],
                                   "thresholds": ["type": "string", "description": "the edge thresholds YAML the policy's edge-performance section names, embedded"],
                                   "reason": reason]]
        case .registerVersion:
            return ["type": "object", "additionalProperties": false, "required": ["version", "artifactBase64"],
                    "properties": ["version": OpenAPISchemas.semanticVersion,
                                   "artifactBase64": ["type": "string", "contentEncoding": "base64", "minLength": 4,
                                                      "pattern": "^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$", "description": "the model file's bytes"],
                                   "metadata": ["type": "string", "description": "the text of a --metadata file (YAML or JSON)"],
                                   "tags": ["type": "array", "items": ["type": "string"]]]]
        case .attachEvidence:
            return ["type": "object", "additionalProperties": false, "required": ["kind", "fileName", "content"],
                    "properties": ["kind": ["type": "string", "pattern": "^[a-z0-9-]+$"], "fileName": ["type": "string", "pattern": "^[^/\\x00-\\x1f\\x7f-\\x9f]{1,255}$"], "content": ["type": "string"]]]
        case .gateCheck:
            return ["type": "object", "additionalProperties": false, "required": ["deviceClass"],
                    "properties": ["deviceClass": OpenAPISchemas.benchName,
                                   "thresholds": ["type": "string", "description": "the text of a thresholds file; default: the policy's edge thresholds file on the collector"],
                                   "run": OpenAPISchemas.id.merging(["description": "judge this run only"]) { $1 }]]
        case .addActor:
            return ["type": "object", "additionalProperties": false, "required": ["name", "roles"],
                    "properties": ["name": OpenAPISchemas.actorName, "roles": ["type": "array", "minItems": 1, "items": ["type": "string", "enum": GovernanceRole.allCases.map(\.rawValue)]]]]
        default:
            return nil
        }
    }

    private static func json(_ schema: [String: Any], _ description: String = "OK") -> [String: Any] {
        ["description": description, "content": ["application/json": ["schema": schema]]]
    }

    private static func plain(_ description: String) -> [String: Any] {
        ["description": description, "content": ["text/plain": ["schema": ["type": "string"]]]]
    }

    private static func error(_ description: String) -> [String: Any] { json(ref("Error"), description) }

    private static func query(_ name: String, _ schema: [String: Any], _ description: String) -> [String: Any] {
        ["name": name, "in": "query", "required": false, "schema": schema, "description": description]
    }

    private static func required(_ parameter: [String: Any]) -> [String: Any] {
        parameter.merging(["required": true]) { $1 }
    }

    private static var schemas: [String: Any] { [
        "Error": [
            "type": "object", "required": ["error"],
            "properties": ["error": [
                "type": "object", "required": ["status", "code", "message"],
                "properties": ["status": ["type": "integer"], "code": ["type": "string"], "message": ["type": "string"]],
            ]],
        ],
        "RunUpload": [
            "type": "object", "additionalProperties": false,
            "required": ["idempotencyKey", "bench", "model", "artifactSHA256", "context", "run"],
            "properties": [
                "idempotencyKey": ["type": "string", "pattern": "^[A-Za-z0-9._-]{8,128}$"],
                "bench": ["type": "string", "pattern": "^[A-Za-z0-9._:-]{1,64}$"],
                "model": OpenAPISchemas.modelReference,
                "artifactSHA256": ["type": "string", "pattern": "^[0-9a-f]{64}$"],
                "context": OpenAPISchemas.object([
                    "deviceClass": OpenAPISchemas.benchName, "port": OpenAPISchemas.text,
                    "startedAt": OpenAPISchemas.timestamp, "finishedAt": OpenAPISchemas.timestamp,
                    "place": OpenAPISchemas.nullable(OpenAPISchemas.benchName),
                    "wiring": OpenAPISchemas.nullable(["type": "string", "maxLength": 1024]),
                ], required: ["deviceClass", "port", "startedAt", "finishedAt"]),
                "run": OpenAPISchemas.recordedRun,
            ],
        ],
        "InferenceReceipt": [
            "type": "object", "required": ["stored", "duplicates", "replayed"],
            "properties": ["stored": ["type": "integer"], "duplicates": ["type": "integer"], "replayed": ["type": "boolean"]],
        ],
        "RunReceipt": [
            "type": "object", "required": ["runID", "duplicate"],
            "properties": ["runID": ["type": "integer"], "duplicate": ["type": "boolean"]],
        ],
        "RunPage": [
            "type": "object", "required": ["runs"],
            "properties": [
                "runs": ["type": "array", "items": ["type": "object"]],
                "next": ["type": ["integer", "null"], "description": "pass as `after` for the next page; null on the last"],
            ],
        ],
        "Model": ["type": "object", "required": ["reference", "artifactSHA256"]],
        "AgentReportRequest": [
            "type": "object", "additionalProperties": false, "required": ["bench", "spoolDepth"],
            "properties": [
                "bench": OpenAPISchemas.benchName, "spoolDepth": ["type": "integer", "minimum": 0, "maximum": Int64.max],
                "places": ["type": "array", "maxItems": BenchPlaceValidation.maximumPlaces, "items": ref("BenchPlaceReport")],
                "stopping": ["type": "boolean"],
            ],
        ],
        "BenchPlaceReport": [
            "type": "object", "additionalProperties": false, "required": ["place", "wiring", "rounds", "failures", "everySeconds"],
            "properties": [
                "place": OpenAPISchemas.benchName, "deviceClass": OpenAPISchemas.nullable(OpenAPISchemas.benchName),
                "wiring": ["type": "string", "maxLength": 1024], "problem": OpenAPISchemas.nullable(["type": "string", "maxLength": 2048]),
                "rounds": ["type": "integer", "minimum": 0, "maximum": Int64.max], "failures": ["type": "integer", "minimum": 0, "maximum": Int64.max],
                "lastRoundAt": OpenAPISchemas.nullable(OpenAPISchemas.timestamp),
                "everySeconds": ["type": "number", "exclusiveMinimum": 0, "maximum": 86_400],
            ],
        ],
        "BenchPlaceStatus": [
            "type": "object",
            "required": ["bench", "place", "wiring", "state", "healthy", "rounds", "failures", "everySeconds", "reportedAt", "openAlerts"],
            "properties": [
                "bench": ["type": "string"], "place": ["type": "string"], "deviceClass": OpenAPISchemas.nullable(["type": "string"]),
                "wiring": ["type": "string"], "state": ["type": "string", "enum": ["reporting", "silent", "stopped"]], "healthy": ["type": "boolean"],
                "problem": OpenAPISchemas.nullable(["type": "string"]), "rounds": ["type": "integer"], "failures": ["type": "integer"],
                "lastRoundAt": OpenAPISchemas.nullable(OpenAPISchemas.timestamp), "everySeconds": ["type": "number"],
                "reportedAt": OpenAPISchemas.timestamp, "openAlerts": ["type": "array", "items": ["type": "string"]],
            ],
        ],
        "Alert": [
            "type": "object",
            "required": ["id", "rule", "severity", "key", "state", "finding", "openedAt", "lastSeenAt", "occurrences", "firstRunID", "lastRunID"],
            "properties": [
                "id": ["type": "integer"],
                "rule": ["type": "string", "enum": MonitorRule.allCases.map(\.rawValue)],
                "severity": ["type": "string", "enum": AlertSeverity.allCases.map(\.rawValue)],
                "state": ["type": "string", "enum": AlertState.allCases.map(\.rawValue)],
                "key": [
                    "type": "object", "required": ["model", "deviceClass", "device"],
                    "properties": ["model": ["type": "string"], "deviceClass": ["type": "string"], "device": ["type": "string"]],
                ],
                "finding": ["type": "object", "description": "the latest evidence: rule, severity, state, summary, value, threshold, pValue"],
                "occurrences": ["type": "integer"],
            ],
        ],
        "BaselinePin": [
            "type": "object", "required": ["key", "runIDs", "pinnedBy", "pinnedAt", "reason"],
            "properties": [
                "key": [
                    "type": "object", "required": ["model", "deviceClass", "device"],
                    "properties": ["model": ["type": "string"], "deviceClass": ["type": "string"], "device": ["type": "string"]],
                ],
                "runIDs": ["type": "array", "items": ["type": "integer"]], "pinnedBy": ["type": "string"],
                "pinnedAt": ["type": "string", "format": "date-time"], "reason": ["type": "string"],
            ],
        ],
        "AgentReport": [
            "type": "object", "required": ["bench", "spoolDepth", "reportedAt"],
            "properties": [
                "bench": ["type": "string"], "spoolDepth": ["type": "integer"], "reportedAt": ["type": "string", "format": "date-time"],
            ],
        ],
    ] }
}
