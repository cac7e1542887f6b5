import EdgeProfCore
import HTTPTypes

/// Every route of the collector's API, with what it needs from its caller. The router registers
/// exactly these and the OpenAPI document describes exactly these.
enum CollectorRoute: String, CaseIterable, Sendable {
    case health
    case openAPI
    case metrics
    case uploadRun
    case listRuns
    case getRun
    case runFindings
    case listModels
    case reportAgent
    case listAgents
    case listBenchPlaces
    case listAlerts
    case acknowledgeAlert
    case listDeliveries
    case resendDelivery
    case listBaselines
    case pinBaseline
    case unpinBaseline
    case modelHistory
    case modelGates
    case modelCard
    case shadowReport
    case gateCheck
    case registerVersion
    case attachEvidence
    case approveVersion
    case promoteVersion
    case requestEmergency
    case confirmEmergency
    case declineEmergency
    case retireVersion
    case rollbackModel
    case haltModel
    case resumeModel
    case listActors
    case addActor
    case grantRole
    case removeRole
    case deactivateActor
    case reactivateActor
    case revokeApproval
    case policyInForce
    case listPolicies
    case showPolicy
    case proposePolicy
    case approvePolicy
    case listDevices
    case showDevice
    case labelDevice
    case deviceAssignment
    case fleetStatus
    case reportDevice
    case listABTests
    case startABTest
    case stopABTest
    case fetchArtifact
    case rollbackProgress
    case auditLog
    case auditVerify
    case auditCheckpoint
    case ingestInferences
    case labelInferences
    case inferenceCounts
    case abTestVerdict
    case eraseTelemetry
    case inferenceMetrics
    case driftHistory
    case listIncidents
    case showIncident
    case acknowledgeIncident
    case assignIncident
    case resolveIncident
    case reviewIncident

    var method: HTTPRequest.Method {
        switch self {
        case .uploadRun, .reportAgent, .acknowledgeAlert, .resendDelivery, .gateCheck, .registerVersion, .attachEvidence, .approveVersion, .promoteVersion,
             .requestEmergency, .confirmEmergency, .declineEmergency, .retireVersion,
             .grantRole, .removeRole, .deactivateActor, .reactivateActor, .revokeApproval, .rollbackModel, .haltModel, .resumeModel, .addActor, .pinBaseline,
             .proposePolicy, .approvePolicy, .labelDevice, .startABTest, .stopABTest, .reportDevice, .ingestInferences, .labelInferences, .eraseTelemetry,
             .acknowledgeIncident, .assignIncident, .resolveIncident, .reviewIncident: .post
        case .unpinBaseline: .delete
        default: .get
        }
    }

    /// The path in Hummingbird's form (`:id` for a parameter).
    var path: String {
        switch self {
        case .health: "/healthz"
        case .openAPI: "/openapi.json"
        case .metrics: "/metrics"
        case .uploadRun, .listRuns: "/v1/runs"
        case .getRun: "/v1/runs/:id"
        case .runFindings: "/v1/runs/:id/findings"
        case .listModels: "/v1/models"
        case .reportAgent: "/v1/agents/report"
        case .listAgents: "/v1/agents"
        case .listBenchPlaces: "/v1/benches/places"
        case .listAlerts: "/v1/alerts"
        case .acknowledgeAlert: "/v1/alerts/:id/ack"
        case .listDeliveries: "/v1/webhooks/deliveries"
        case .resendDelivery: "/v1/webhooks/deliveries/:id/resend"
        case .listBaselines, .pinBaseline, .unpinBaseline: "/v1/baselines"
        case .modelHistory: "/v1/models/:name/history"
        case .modelGates: "/v1/models/:name/:version/gates"
        case .modelCard: "/v1/models/:name/:version/card"
        case .shadowReport: "/v1/models/:name/:version/shadow-report"
        case .gateCheck: "/v1/models/:name/:version/gate-check"
        case .registerVersion: "/v1/models/:name/versions"
        case .attachEvidence: "/v1/models/:name/:version/attachments"
        case .approveVersion: "/v1/models/:name/:version/approvals"
        case .promoteVersion: "/v1/models/:name/:version/promote"
        case .requestEmergency: "/v1/models/:name/:version/emergency"
        case .confirmEmergency: "/v1/models/:name/:version/emergency/confirm"
        case .declineEmergency: "/v1/models/:name/:version/emergency/decline"
        case .retireVersion: "/v1/models/:name/:version/retire"
        case .rollbackModel: "/v1/models/:name/rollback"
        case .haltModel: "/v1/models/:name/halt"
        case .resumeModel: "/v1/models/:name/resume"
        case .listActors, .addActor: "/v1/actors"
        case .grantRole: "/v1/actors/:actor/grant"
        case .removeRole: "/v1/actors/:actor/remove-role"
        case .deactivateActor: "/v1/actors/:actor/deactivate"
        case .reactivateActor: "/v1/actors/:actor/reactivate"
        case .revokeApproval: "/v1/models/:name/:version/approvals/revoke"
        case .policyInForce: "/v1/policy"
        case .listPolicies, .proposePolicy: "/v1/policies"
        case .showPolicy: "/v1/policies/:policyVersion"
        case .approvePolicy: "/v1/policies/:policyVersion/approve"
        case .listDevices: "/v1/fleet/devices"
        case .showDevice: "/v1/fleet/devices/:device"
        case .labelDevice: "/v1/fleet/devices/:device/labels"
        case .deviceAssignment: "/v1/fleet/devices/:device/assignment"
        case .fleetStatus: "/v1/fleet/status"
        case .reportDevice: "/v1/fleet/devices/:device/report"
        case .listABTests, .startABTest: "/v1/ab-tests"
        case .stopABTest: "/v1/ab-tests/:abTestID/stop"
        case .fetchArtifact: "/v1/artifacts/:sha256"
        case .rollbackProgress: "/v1/models/:name/rollback"
        case .auditLog: "/v1/audit"
        case .auditVerify: "/v1/audit/verify"
        case .auditCheckpoint: "/v1/audit/checkpoint"
        case .ingestInferences, .inferenceCounts: "/v1/inferences"
        case .labelInferences: "/v1/inferences/labels"
        case .abTestVerdict: "/v1/ab-tests/:abTestID/verdict"
        case .eraseTelemetry: "/v1/inferences/erase"
        case .inferenceMetrics: "/v1/inferences/metrics"
        case .driftHistory: "/v1/drift/history"
        case .listIncidents: "/v1/incidents"
        case .showIncident: "/v1/incidents/:incidentID"
        case .acknowledgeIncident: "/v1/incidents/:incidentID/acknowledge"
        case .assignIncident: "/v1/incidents/:incidentID/assign"
        case .resolveIncident: "/v1/incidents/:incidentID/resolve"
        case .reviewIncident: "/v1/incidents/:incidentID/review"
        }
    }

    /// The methods served at `path` (a concrete path, parameters filled in), nil when no route
    /// has that path: a 405 with `Allow` rather than a 404 for the wrong method.
    static func methods(forPath path: String) -> [String]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let methods = allCases.filter { route in
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0.hasPrefix(":") ? !$1.isEmpty : $0 == $1 }
        }.map(\.method.rawValue)
        return methods.isEmpty ? nil : Array(Set(methods)).sorted()
    }

    /// The path as OpenAPI writes it (`{id}`).
    var openAPIPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            .joined(separator: "/")
    }

    var access: AccessRule {
        switch self {
        case .health, .openAPI, .metrics: .open
        case .uploadRun, .reportAgent, .reportDevice, .ingestInferences, .labelInferences: .ingest
        case .listRuns, .getRun, .runFindings, .listModels, .listAgents, .listBenchPlaces, .listAlerts, .listBaselines: .anyToken
        case .acknowledgeAlert, .listDeliveries, .resendDelivery, .pinBaseline, .unpinBaseline, .registerVersion, .attachEvidence, .approveVersion, .promoteVersion, .retireVersion, .rollbackModel,
             .requestEmergency, .confirmEmergency, .declineEmergency, .grantRole, .removeRole, .deactivateActor, .reactivateActor,
             .revokeApproval, .haltModel, .resumeModel, .addActor, .proposePolicy, .approvePolicy, .labelDevice, .startABTest, .stopABTest,
             .eraseTelemetry, .acknowledgeIncident, .assignIncident, .resolveIncident, .reviewIncident: .person
        case .modelHistory, .modelGates, .modelCard, .shadowReport, .gateCheck, .listActors, .auditLog, .auditVerify, .auditCheckpoint,
             .policyInForce, .listPolicies, .showPolicy, .listDevices, .showDevice, .deviceAssignment, .listABTests, .fleetStatus, .fetchArtifact, .rollbackProgress,
             .inferenceCounts, .abTestVerdict, .inferenceMetrics, .driftHistory, .listIncidents, .showIncident: .anyToken
        }
    }

    /// Whether the route changes anything (such routes never run without a token).
    var mutates: Bool { method != .get && self != .gateCheck }

    /// Whether the route takes a JSON body.
    var hasBody: Bool { method == .post && ![.acknowledgeAlert, .resendDelivery].contains(self) }

    var summary: String {
        switch self {
        case .health: "Liveness: 200 when the collector answers and its database opens."
        case .openAPI: "This API description (OpenAPI 3.1)."
        case .metrics: "Prometheus metrics: ingest counts and latency, agents' spool depth, latest p95 and energy per device."
        case .uploadRun: "Upload one run with its raw readings. Idempotent by idempotencyKey: 201 stored, 200 already stored."
        case .listRuns: "Runs in id order, filtered by model, deviceClass or bench; page with after and limit."
        case .getRun: "One run with every iteration's and token's device ticks."
        case .runFindings: "What monitoring found on one run, rule by rule: FIRING, CLEAR or INCONCLUSIVE with the reason (a baseline run has none)."
        case .listModels: "The registered model versions."
        case .reportAgent: "An agent reports its spool depth (the runs waiting to be uploaded) and, running a bench file, how each of its places fares."
        case .listAgents: "What each agent last reported."
        case .listBenchPlaces: "Every place of every bench, as its agent last reported it, with its state (reporting, silent, stopped)."
        case .listAlerts: "Alerts, newest first, filtered by state (open, acknowledged, resolved)."
        case .acknowledgeAlert: "Acknowledge an open alert as the token's actor (ml_engineer or tech_lead), audited as alert.acknowledge; it still resolves by itself."
        case .listDeliveries: "Webhook deliveries by state (pending, delivered, dead), newest first: the dead-letter list is state=dead."
        case .resendDelivery: "Put a dead webhook delivery back in the queue with fresh attempts (after the receiver is fixed)."
        case .listBaselines: "The baselines people pinned, per device (the others use their first complete runs)."
        case .pinBaseline: "Pin chosen complete runs of one model version on one device as its baseline (replaces an earlier pin)."
        case .unpinBaseline: "Return a device to its automatic baseline (its first complete runs)."
        case .modelHistory: "A model's versions, stages, releases and halts (the registry snapshot)."
        case .modelGates: "The governance gates of a version as they stand now (PASS, FAIL, INCONCLUSIVE with evidence)."
        case .modelCard: "The model card of a version: markdown (with Hugging Face metadata), html, json or hf."
        case .shadowReport: "A version's shadow period judged on the fleet's telemetry (the staging gate's shadow evidence): pairs, agreement, accuracy, latency and energy against the served version, score KS, fairness per device class."
        case .gateCheck: "The edge-performance gate of a version on a device class, on the runs stored here: PASS, FAIL or INCONCLUSIVE. Writes nothing."
        case .registerVersion: "Register a version with its artifact's bytes (kept in the registry's database) as the token's actor."
        case .attachEvidence: "Attach a text document to a version as evidence (predictions CSV, shadow report, runbook…)."
        case .approveVersion: "Record an approval of a version as the token's actor, with the role the stage needs."
        case .promoteVersion: "Move a version to its next (or the given) lifecycle stage, guarded by gates and approvals."
        case .requestEmergency: "Request an emergency deployment to production without approvals or gates (tech_lead, with who was informed); nothing moves until a second tech_lead confirms."
        case .confirmEmergency: "Confirm another tech_lead's emergency request as a second tech_lead: the version goes to production (and a halt is lifted when the request said so)."
        case .declineEmergency: "Decline (or, as its requester, withdraw) the emergency request waiting for a version."
        case .retireVersion: "Retire a version: archived, out of serving."
        case .rollbackModel: "Roll a model back to its previous production version (or the given one)."
        case .haltModel: "Emergency halt of a model's serving."
        case .resumeModel: "Resume a halted model."
        case .listActors: "The registry's actors and their roles."
        case .addActor: "Add an actor with roles (needs tech_lead or compliance_officer; the first actor adds themselves)."
        case .grantRole: "Give an actor another role (tech_lead or compliance_officer; never to themselves)."
        case .removeRole: "Take a role from an actor (tech_lead or compliance_officer); an actor keeps at least one role."
        case .deactivateActor: "Stop an actor from acting; their tokens stop working at once."
        case .reactivateActor: "Let a deactivated actor act again."
        case .revokeApproval: "Withdraw an approval before the move it enabled (its signer, a tech_lead or a compliance_officer)."
        case .policyInForce: "The governance policy every decision is made under now: its version, sha256, text and embedded edge thresholds."
        case .listPolicies: "Every governance policy version (0 is the built-in one): state, proposer, approvals, sha256."
        case .showPolicy: "One governance policy version, with the roles whose approval it still waits for."
        case .proposePolicy: "Propose a governance policy (tech_lead or compliance_officer); it comes into force once the roles the policy in force names approve it."
        case .approvePolicy: "Approve a proposed policy version for one of your roles (never your own proposal); the last approval puts it in force."
        case .listDevices: "The fleet: every device a stored run was measured on (class, bench, firmware, labels, last seen, what it serves); an agent's token sees its bench's."
        case .showDevice: "One device of the fleet, named BOARD:SERIAL."
        case .deviceAssignment: "What the device should serve and shadow now (its model's stages, the canary share of its class, a halt), with the reasons."
        case .fleetStatus:
            "The fleet against its assignments: how many devices report what they were assigned, and each device's verdict (on-assignment, off-assignment, unassigned, unknown) and contact (answering; silent beyond the outage policy: its serving is stale; gone)."
        case .reportDevice: "An agent reports its board after reconciling it with its assignment: serving or halted, and the artifact it announced (its bench's devices only)."
        case .listABTests: "A/B tests, oldest first (model= keeps one model's): arms, split, unit, bounds, who started and stopped them."
        case .startABTest: "Start an A/B test of a staging or canary version (B) against the serving one (A): ml_engineer or tech_lead, one per model at a time."
        case .stopABTest: "Stop a running A/B test with a reason; devices return to A."
        case .rollbackProgress: "How far the fleet has followed the model's latest rollback: verified once every device assigned the restored version reports it after the decision, partial (with the stragglers) until then."
        case .fetchArtifact: "The bytes of a registered version's artifact, by SHA-256, for a device to install (agents verify the SHA-256 again, and so does the board); an agent token gets only artifacts the registry assigns to its bench's devices."
        case .labelDevice: "Set and remove a device's labels (ml_engineer or tech_lead), audited with the labels before and after."
        case .auditLog: "The hash-chained audit trail, oldest first; model= keeps the acts on one model."
        case .auditVerify: "Check every hash and link of the audit trail."
        case .auditCheckpoint: "The audit trail's head signed with the collector's Ed25519 key (--audit-key): keep it elsewhere, verify later with `edgeprof audit verify --checkpoint`."
        case .ingestInferences: "A bench's agent (or its devices' gateway) reports inference telemetry of its own devices, at most 10 000 records a batch; a retried batch key is stored once."
        case .labelInferences: "Labels that arrived later, joined to the bench's records by model name and request id."
        case .inferenceCounts: "How many inference records a model's versions have per arm, and how many are labelled (`?model=NAME`)."
        case .inferenceMetrics: "A model's online figures over the last `hours` (24 by default) per version, arm and device class — accuracy, latency p50/p95/p99, energy, throughput — and the ones outside the documents' thresholds."
        case .driftHistory: "A model's scheduled drift checks on production telemetry, newest window first: kind, version, device class, window, verdict, figure, threshold, p-value, sample counts, the policy and the collector that decided."
        case .listIncidents: "Incidents, oldest first, filtered by model and state (open, acknowledged, resolved): opened by the collector from alerts, each with its playbook and clocks."
        case .showIncident: "One incident with its playbook's steps and its clocks: detection, response and resolution due, review due."
        case .acknowledgeIncident: "Acknowledge an open incident as the token's actor (a role of its playbook); the response clock stops."
        case .assignIncident: "Assign an incident: a tech_lead to anyone taking part in its playbook, anyone else to themselves."
        case .resolveIncident: "Resolve an incident with what was done: its assignee or a tech_lead; a fairness incident only the Ethics Committee."
        case .reviewIncident: "Record the post-incident review of a resolved incident (due within 48 hours of the resolution)."
        case .eraseTelemetry: "Erase every inference record of a data subject (compliance_officer), audited with the subject's SHA-256 and the reason."
        case .abTestVerdict: "An A/B test judged on its arms' inference telemetry: accuracy (two-proportion z), latency and energy (Welch's t); inconclusive before the minimum sample, a winner only when significant."
        }
    }
}
