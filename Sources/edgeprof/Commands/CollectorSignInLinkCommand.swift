import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof collector signin-link`: a one-time link that opens the dashboard signed in as the
/// token's person.
struct CollectorSignInLinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signin-link",
        abstract: "Print a one-time link that signs you in to the collector's dashboard (valid 15 minutes, once).",
        discussion: "The link is for the person whose token asks for it; open it in your browser. The session it opens lasts 12 hours at most and ends when the token is revoked.")

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        struct Link: Decodable { var path: String; var actor: String; var expiresAt: Date }
        let (link, base) = try await reportingErrors { () async throws(AgentError) in
            let client = try access.client()
            return (try client.decoded(Link.self, from: try await client.call(.POST, "/ui/links"), what: "a sign-in link"), client.baseURL)
        }
        Terminal.print("\(base)\(link.path)\n")
        Terminal.note("a one-time link for \(link.actor), valid until \(link.expiresAt.ISO8601Format()); the dashboard is at \(base)/")
    }
}
