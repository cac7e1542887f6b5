import EdgeProfCore
import Testing

@Suite struct SemanticVersionTests {
    @Test(arguments: ["0.0.0", "1.2.3", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x.7.z.92", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85", "1.0.0-x-y-z.--"])
    func acceptsValidVersions(_ text: String) throws {
        #expect(try SemanticVersion(parsing: text).description == text)
    }

    @Test(arguments: [
        ("1.0", "expected three numbers MAJOR.MINOR.PATCH"),
        ("1.0.0.0", "expected three numbers MAJOR.MINOR.PATCH"),
        ("01.0.0", "major '01' has a leading zero"),
        ("1.a.0", "minor 'a' is not a non-negative integer"),
        ("1.0.0-", "pre-release must be dot-separated [0-9A-Za-z-] identifiers"),
        ("1.0.0-01", "numeric pre-release identifier '01' has a leading zero"),
        ("1.0.0+", "build metadata must be dot-separated [0-9A-Za-z-] identifiers"),
        ("v1.0.0", "major 'v1' is not a non-negative integer"),
        ("", "expected three numbers MAJOR.MINOR.PATCH"),
    ])
    func rejectsInvalidVersionsSayingWhy(_ text: String, _ problem: String) {
        #expect(throws: SemanticVersionError(text: text, problem: problem)) { try SemanticVersion(parsing: text) }
        let message = SemanticVersionError(text: text, problem: problem).description
        #expect(message.contains("Use MAJOR.MINOR.PATCH such as 1.4.0"))
    }

    @Test func ordersByPrecedenceAsSemverOrgExample() throws {
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1"]
        let versions = try ordered.map { try SemanticVersion(parsing: $0) }
        #expect(versions.shuffled().sorted() == versions)
        #expect(try SemanticVersion(parsing: "1.0.0+a").hasSamePrecedence(as: SemanticVersion(parsing: "1.0.0+b")))
    }

    @Test func modelReferences() throws {
        let reference = try ModelReference(parsing: "kws-tiny@1.2.0")
        #expect(reference.name == "kws-tiny")
        #expect(reference.version == SemanticVersion(major: 1, minor: 2, patch: 0))
        #expect(throws: ModelReferenceError.self) { try ModelReference(parsing: "kws-tiny") }
        #expect(throws: ModelReferenceError.self) { try ModelReference(parsing: "-bad@1.0.0") }
        #expect(throws: ModelReferenceError.self) { try ModelReference(parsing: "kws@1.0") }
    }
}
