@testable import EdgeProfCore
import Foundation
import Testing

/// How the registry reads to MLflow's client, and the rules for the notes it may write (tags,
/// aliases, a model's entry): the roles, the registry's reserved tags, and stage names that are
/// promotions, not aliases.
@Suite struct MLflowRegistryViewTests {
    static func registry() throws -> Registry {
        let registry = Registry()
        registry.addTeam()
        try registry.act("ana") { try $0.register(Registry.model("2.0.0"), metadata: VersionMetadata()) }
        registry.clock += 60
        var later = Registry.model("1.5.0")
        later.registeredAt = registry.clock
        try registry.act("ana") { try $0.register(later, metadata: VersionMetadata()) }
        return registry
    }

    @Test func versionsAreNumberedInRegistrationOrder() throws {
        let view = MLflowRegistryView(try Self.registry().snapshot)
        #expect(try view.version(number: "1").reference == Registry.reference("2.0.0"), "1 is the first registered, whatever its semantic version")
        #expect(try view.version(number: "2").reference == Registry.reference("1.5.0"))
        #expect(throws: GovernanceError.self) { try view.version(number: "3") }
        #expect(throws: GovernanceError.self) { try view.version(number: "0") }
        #expect(throws: GovernanceError.self) { try view.version(number: "one") }
        #expect(throws: GovernanceError.self) { try MLflowRegistryView(Registry().snapshot).version(number: "1") }
        let wire = view.modelVersion(try view.version(number: "2"))
        #expect(wire.version == "2")
        #expect(wire.currentStage == "None")
        #expect(wire.tags.contains(MLflowWire.Tag(key: "edgeprof.version", value: "1.5.0")))
        #expect(wire.tags.contains(MLflowWire.Tag(key: "edgeprof.artifact_sha256", value: String(repeating: "a", count: 64))))
    }

    @Test func stagesMapBothWays() throws {
        let expected: [LifecycleStage: String] = [
            .development: "None", .validation: "None", .staging: "Staging", .canary: "Staging", .production: "Production", .monitoring: "Production",
            .degraded: "Production", .retraining: "Production", .rollback: "Archived", .deprecated: "Archived", .retired: "Archived", .failed: "Archived",
        ]
        for stage in LifecycleStage.allCases { #expect(MLflowRegistryView.stage(of: stage) == expected[stage]) }
        #expect(try MLflowRegistryView.target(ofStage: "Production") == .production)
        #expect(try MLflowRegistryView.target(ofStage: "staging") == .staging)
        #expect(try MLflowRegistryView.target(ofStage: "Archived") == .retired)
        #expect(throws: GovernanceError.self) { try MLflowRegistryView.target(ofStage: "None") }
        #expect(throws: GovernanceError.self) { try MLflowRegistryView.target(ofStage: "Canary") }
    }

    @Test func productionAliasFollowsTheServingVersion() throws {
        let registry = Registry()
        registry.addTeam()
        try registry.ship("1.0.0")
        let view = MLflowRegistryView(registry.snapshot)
        #expect(view.version(alias: "production")?.reference == Registry.reference("1.0.0"))
        #expect(view.version(alias: "staging") == nil)
        #expect(view.registeredModel().aliases == [MLflowWire.Alias(alias: "production", version: "1")])
    }

    @Test func aliasesAndTagsAreAuditedNotesOfTheRightRoles() throws {
        let registry = try Self.registry()
        try registry.act("hal") { try $0.setAlias("champion", version: SemanticVersion(parsing: "1.5.0")) }
        #expect(MLflowRegistryView(registry.snapshot).version(alias: "champion")?.reference == Registry.reference("1.5.0"))
        let moved = try registry.act("bo") { try $0.setAlias("champion", version: SemanticVersion(parsing: "2.0.0")) }
        #expect(moved.operations.first?.audit.action == "model.alias.set")
        #expect(registry.snapshot.annotations.filter { $0.kind == .alias }.count == 1, "an alias names one version: setting it again moves it")
        #expect(throws: GovernanceError.self, "security_team does not tag models") {
            try registry.act("dee") { try $0.setAlias("x", version: SemanticVersion(parsing: "2.0.0")) }
        }
        for stage in ["production", "Canary", "staging", "retired"] {
            #expect(throws: GovernanceError.self, "\(stage) is a stage, not an alias") {
                try registry.act("hal") { try $0.setAlias(stage, version: SemanticVersion(parsing: "2.0.0")) }
            }
        }
        for reserved in ["latest", "v3", "bad alias", ""] {
            #expect(throws: GovernanceError.self) { try registry.act("hal") { try $0.setAlias(reserved, version: SemanticVersion(parsing: "2.0.0")) } }
        }
        #expect(throws: GovernanceError.self, "no such version") {
            try registry.act("hal") { try $0.setAlias("champion", version: SemanticVersion(parsing: "9.9.9")) }
        }
        try registry.act("ana") { try $0.setTag("team", value: "audio", version: SemanticVersion(parsing: "2.0.0")) }
        #expect(MLflowRegistryView(registry.snapshot).tags(of: try #require(registry.snapshot.versions.first { $0.reference.version.description == "2.0.0" }))["team"] == "audio")
        #expect(throws: GovernanceError.notPermitted(
            "tags under 'edgeprof.' are the registry's own (stage, gate verdicts, edge figures): choose another key")) {
            try registry.act("ana") { try $0.setTag("edgeprof.stage", value: "production", version: nil) }
        }
        #expect(throws: GovernanceError.self) { try registry.act("ana") { try $0.setTag("k", value: String(repeating: "v", count: 5001), version: nil) } }
        #expect(throws: GovernanceError.self) { try registry.act("ana") { try $0.removeTag("absent", version: nil) } }
        #expect(throws: GovernanceError.notPermitted("tags under 'edgeprof.' are the registry's own: they cannot be removed")) {
            try registry.act("ana") { try $0.removeTag("edgeprof.stage", version: SemanticVersion(parsing: "2.0.0")) }
        }
        try registry.act("ana") { try $0.removeTag("team", version: SemanticVersion(parsing: "2.0.0")) }
        #expect(registry.snapshot.annotations.allSatisfy { $0.kind != .versionTag })
        try registry.act("hal") { try $0.removeAlias("champion") }
        #expect(throws: GovernanceError.self) { try registry.act("hal") { try $0.removeAlias("champion") } }
    }

    @Test func aModelIsCreatedOnceBeforeItsVersions() throws {
        let registry = Registry(name: "vision")
        registry.addTeam()
        let created = try registry.act("ana") { try $0.createModel(description: "person detection") }
        #expect(created.operations.first?.audit.action == "model.create")
        #expect(MLflowRegistryView(registry.snapshot).exists)
        #expect(MLflowRegistryView(registry.snapshot).registeredModel().description == "person detection")
        #expect(throws: GovernanceError.duplicate("registered model vision already exists")) { try registry.act("ana") { try $0.createModel(description: "") } }
        #expect(throws: GovernanceError.self, "a tech_lead alone does not create models") {
            try Registry(name: "other").act("gus") { try $0.createModel(description: "") }
        }
        #expect(throws: GovernanceError.duplicate("registered model kws already exists")) {
            try Self.registry().act("ana") { try $0.createModel(description: "") }
        }
    }

    @Test func searchKeysAreTheDocumentedOnes() throws {
        let view = MLflowRegistryView(try Self.registry().snapshot)
        let record = try view.version(number: "2")
        let tags = view.tags(of: record)
        #expect(try view.matches(MLflowFilter(parsing: "name = 'kws' AND version_number = 2"), record, tags: tags))
        #expect(try view.matches(MLflowFilter(parsing: "tags.`edgeprof.version` = '1.5.0'"), record, tags: tags))
        #expect(try !view.matches(MLflowFilter(parsing: "version_number < 2"), record, tags: tags))
        #expect(throws: MLflowFilterError.self) { try view.matches(MLflowFilter(parsing: "metrics.x > 1"), record, tags: tags) }
        #expect(throws: MLflowFilterError.self) { try view.matches(MLflowFilter(parsing: "name IN ('kws')"), record, tags: tags) }
        #expect(MLflowRegistryView.pinnedNames(try MLflowFilter(parsing: "tags.a = 'b' AND name = 'kws'")) == ["kws"])
        #expect(MLflowRegistryView.pinnedNames(try MLflowFilter(parsing: "name LIKE 'k%'")) == nil)
    }
}
