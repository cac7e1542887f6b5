@testable import EdgeProfCore
import Foundation
import Testing

/// The governance policy file: every field, and errors that name the line and field.
@Suite struct GovernancePolicyTests {
    @Test func everyFieldIsRead() throws {
        let yaml = """
            approvals:
              roles: {security_scan: tech_lead}
              separation-of-duties: {registrant-may-approve-production: true, actor-may-sign-several-roles: true}
            tracks:
              patch: {approvals: [production_approval], shadow-evidence: true, may-skip-staging: false}
            gates:
              quality:
                accuracy: {better: higher, margin: 0.01, floor: 0.8}
                false-reject-rate: {better: lower, margin: -0.002}
              fairness: {max-demographic-parity-difference: 0.1, max-equalized-odds-difference: 0.08}
              calibration: {max-ece: 0.03}
              edge-performance: {thresholds: lab-gates.yaml, device-classes: [m4, m7], emulated-evidence: count}
              checklist: [model-card, runbook]
            deployable-production-versions: 2
            """
        let policy = try GovernancePolicy(yaml: yaml, file: "gov.yaml")
        #expect(policy.role(for: .securityScan) == .techLead && policy.role(for: .ethicalReview) == .ethicsCommittee)
        #expect(policy.registrantMayApproveProduction && policy.actorMaySignSeveralRoles)
        #expect(policy.requirements(for: .patch) == TrackRequirements(approvals: [.productionApproval], shadowEvidence: true, maySkipStaging: false))
        #expect(policy.requirements(for: .major) == .defaults(for: .major))
        #expect(policy.quality == [
            QualityCriterion(metric: "accuracy", higherIsBetter: true, margin: 0.01, floor: 0.8),
            QualityCriterion(metric: "false-reject-rate", higherIsBetter: false, margin: -0.002, floor: nil),
        ])
        #expect(policy.maxDemographicParityDifference == 0.1 && policy.maxEqualizedOddsDifference == 0.08 && policy.maxExpectedCalibrationError == 0.03)
        #expect(policy.edgeThresholdsFile == "lab-gates.yaml" && policy.edgeDeviceClasses == ["m4", "m7"] && policy.emulatedEvidenceCounts)
        #expect(!GovernancePolicy().emulatedEvidenceCounts, "by default emulated evidence serves regression detection only")
        #expect(policy.checklist == ["model-card", "runbook"] && policy.deployableProductionVersions == 2)
        #expect(policy.sha256 == CanonicalJSON.sha256(Data(yaml.utf8)))
    }

    @Test(arguments: [
        ("gates:\n  fairnes: {}\n", "gov.yaml:2: gates: unknown field 'fairnes' (did you mean 'fairness'?); known fields: quality, fairness, calibration, edge-performance, shadow-evidence, checklist"),
        ("approvals:\n  roles: {security_scan: janitor}\n", "gov.yaml:2: approvals: stage 'security_scan' needs one of the roles data_scientist, ml_engineer, security_team, ethics_committee, compliance_officer, tech_lead"),
        ("tracks:\n  hotfix: {}\n", "gov.yaml:2: unknown track 'hotfix'; tracks are major, minor, patch"),
        ("gates:\n  calibration: {max-ece: -1}\n", "gov.yaml:2: gates: field 'max-ece' must be a number ≥ 0, got '-1'"),
        ("approvals:\n  separation-of-duties: {actor-may-sign-several-roles: maybe}\n", "gov.yaml:2: approvals: field 'actor-may-sign-several-roles' must be one of true, false, got 'maybe'"),
    ])
    func errorsNameTheLineAndField(_ yaml: String, _ message: String) {
        #expect { try GovernancePolicy(yaml: yaml, file: "gov.yaml") } throws: { "\($0)" == message }
    }

    @Test func metadataIsValidated() throws {
        let metadata = try VersionMetadata(yaml: """
            author: ana
            metrics: {accuracy: 0.9}
            hyperparameters: {lr: 3e-4, layers: 2}
            training-data: {sha256: \(String(repeating: "A", count: 64)), from: 2026-01-01, to: 2026-06-30}
            ethics-audit-date: 2026-07-01
            tags: [kws, int8]
            considerations: {intended-use: wake words, limitations: English}
            """, file: "m.yaml")
        #expect(metadata.hyperparameters == ["lr": "3e-4", "layers": "2"])
        #expect(metadata.trainingData?.sha256 == String(repeating: "a", count: 64) && metadata.trainingData?.to == "2026-06-30")
        #expect(metadata.tags == ["kws", "int8"] && metadata.considerations.intendedUse == "wake words")
        #expect { try VersionMetadata(yaml: "ethics-audit-date: 2026-13-01\n", file: "m.yaml") } throws: {
            "\($0)" == "m.yaml:1: field 'ethics-audit-date' must be a date YYYY-MM-DD, got '2026-13-01'"
        }
        #expect { try VersionMetadata(yaml: "dataset-manifest-sha256: abc\n", file: "m.yaml") } throws: {
            "\($0)" == "m.yaml:1: field 'dataset-manifest-sha256' must be a SHA-256 in hex (64 characters), got 'abc'"
        }
        #expect { try VersionMetadata(yaml: "metrics: {accuracy: high}\n", file: "m.yaml") } throws: {
            "\($0)" == "m.yaml:1: metric 'accuracy' must be a finite number, got 'high'"
        }
    }
}
