import AsyncHTTPClient
@testable import EdgeProfCollector
import EdgeProfCore
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The dashboard over a real socket, as a hostile or careless client meets it: signed out, with an
/// agent's or a wrong token, a stale link, a revoked token behind a live cookie, oversized and
/// mistyped forms. Every answer is a page saying what to do, never a crash.
@Suite(.serialized)
struct DashboardHTTPTests {
    /// A client that shows redirects instead of following them.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool.idleTimeout = .seconds(2)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        var location: String? { headers.first(name: "Location") }
        var cookie: String? {
            headers.first(name: "Set-Cookie").flatMap { $0.split(separator: ";").first.map(String.init) }
        }
    }

    func call(
        _ collector: LiveCollector, _ method: HTTPMethod, _ path: String, cookie: String? = nil, form: String? = nil,
        contentType: String = "application/x-www-form-urlencoded", headers extra: [(String, String)] = []
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(collector.port)\(path)")
        request.method = method
        if let cookie { request.headers.add(name: "Cookie", value: cookie) }
        if let form {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: form))
        }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        let response = try await Self.http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }

    func signIn(_ collector: LiveCollector, token: String) async throws -> Answer {
        try await call(collector, .POST, "/signin", form: "token=\(token)&next=%2Falerts")
    }

    @Test func signingInAndOutAndWhatIsRefused() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        try await collector.addActor("ana", [.mlEngineer])

        let signedOut = try await call(collector, .GET, "/alerts?state=open")
        #expect(signedOut.status == 303 && signedOut.location == "/signin?next=%2Falerts%3Fstate%3Dopen")
        let page = try await call(collector, .GET, "/signin")
        #expect(page.status == 200 && page.body.contains("name=\"token\""))
        #expect(page.headers.first(name: "Content-Security-Policy")?.contains("default-src 'none'") == true)
        #expect(page.headers.first(name: "X-Content-Type-Options") == "nosniff" && page.headers.first(name: "Cache-Control") == "no-store")

        let agent = try await signIn(collector, token: collector.agentToken)
        #expect(agent.status == 403 && agent.body.contains("agent&#39;s token") && agent.cookie == nil)
        let wrong = try await signIn(collector, token: "ept_000000000000_" + String(repeating: "0", count: 48))
        #expect(wrong.status == 401 && wrong.cookie == nil)
        let garbage = try await signIn(collector, token: "%00%FF<script>")
        #expect(garbage.status == 401 && !garbage.body.contains("<script>"))

        let signedIn = try await signIn(collector, token: collector.personToken)
        #expect(signedIn.status == 303 && signedIn.location == "/alerts")
        let setCookie = try #require(signedIn.headers.first(name: "Set-Cookie"))
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/"))
        let cookie = try #require(signedIn.cookie)
        #expect(try await call(collector, .GET, "/alerts", cookie: cookie).status == 200)
        #expect(try await call(collector, .GET, "/alerts", cookie: "edgeprof_session=forged").status == 303, "an unknown session is no session")
        let again = try await call(collector, .GET, "/signin?next=%2Fmodels", cookie: cookie)
        #expect(again.status == 303 && again.location == "/models", "a signed-in person is not asked to sign in again")

        let missing = try await call(collector, .GET, "/devices/nope%3Anothing", cookie: cookie)
        #expect(missing.status == 404 && missing.body.contains("There is no device nope:nothing"))
        #expect(try await call(collector, .GET, "/runs/abc", cookie: cookie).status == 404)
        #expect(try await call(collector, .GET, "/models/none", cookie: cookie).status == 404)
        #expect(try await call(collector, .GET, "/alerts?state=burning", cookie: cookie).status == 400)

        let csrf = try #require(try await call(collector, .GET, "/alerts", cookie: cookie).body
            .components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.prefix(64))
        let huge = try await call(collector, .POST, "/alerts/1/ack", cookie: cookie, form: "csrf=\(csrf)&reason=" + String(repeating: "x", count: 100_000))
        #expect(huge.status == 413)
        let json = try await call(collector, .POST, "/alerts/1/ack", cookie: cookie, form: "{\"csrf\":\"\(csrf)\"}", contentType: "application/json")
        #expect(json.status == 415)
        let crossSite = try await call(collector, .POST, "/alerts/1/ack", cookie: cookie, form: "csrf=\(csrf)", headers: [("Sec-Fetch-Site", "cross-site")])
        #expect(crossSite.status == 403)
        let noAlert = try await call(collector, .POST, "/alerts/999/ack", cookie: cookie, form: "csrf=\(csrf)")
        #expect(noAlert.status == 404 && noAlert.body.contains("there is no alert 999"))
        let unsafeNext = try await call(collector, .POST, "/signin", form: "token=\(collector.personToken)&next=%2F%2Fevil.example%2F")
        #expect(unsafeNext.location == "/", "never sent on to another site after signing in")

        let out = try await call(collector, .POST, "/signout", cookie: cookie, form: "csrf=\(csrf)")
        #expect(out.status == 303 && out.location == "/signin" && out.headers.first(name: "Set-Cookie")?.contains("Max-Age=0") == true)
        #expect(try await call(collector, .GET, "/alerts", cookie: cookie).status == 303, "the session ended")
    }

    @Test func aLinkWorksOnceAndARevokedTokenEndsItsSessions() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        try await collector.addActor("ana", [.techLead])
        let issued = try await collector.request(.POST, "/ui/links", token: collector.personToken)
        let path = try #require(issued.json?["path"] as? String)
        #expect(issued.json?["actor"] as? String == "ana")
        let first = try await call(collector, .GET, path)
        #expect(first.status == 303 && first.location == "/")
        let cookie = try #require(first.cookie)
        let again = try await call(collector, .GET, path)
        #expect(again.status == 401 && again.body.contains("already used or has expired") && again.cookie == nil)
        #expect(try await call(collector, .GET, "/signin/link/" + String(repeating: "f", count: 64)).status == 401)
        let home = try await call(collector, .GET, "/", cookie: cookie)
        #expect(home.status == 200 && home.body.contains("data-actor=\"ana\""))

        let grant = try #require(try await collector.store.tokens().first { $0.actor == "ana" })
        let head = try await collector.store.registry.snapshot(model: "").auditHead
        _ = try await collector.store.registry.commit(GovernanceChange(
            actor: "ana", at: Date(), expectedAuditHead: head, operations: [.revokeToken(id: grant.id, at: Date(), reason: "lost laptop")]))
        let after = try await call(collector, .GET, "/", cookie: cookie)
        #expect(after.status == 303 && after.location?.hasPrefix("/signin") == true, "revoking the token ends the sessions it opened")
    }

    /// Runs the built `edgeprof` on a thread of its own (never holding a thread of the pool the
    /// collector under test serves from).
    static func edgeprof(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: CollectorCrashTests.binary)
                process.arguments = arguments
                let out = Pipe()
                let err = Pipe()
                process.standardOutput = out
                process.standardError = err
                do {
                    try process.run()
                    let stdout = out.fileHandleForReading.readDataToEndOfFile()
                    let stderr = err.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    @Test func theCommandLinePrintsALinkThatSignsIn() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        try await collector.addActor("ana", [.mlEngineer])
        let url = "http://127.0.0.1:\(collector.port)"
        let made = try await Self.edgeprof(["collector", "signin-link", "--collector", url, "--token", collector.personToken])
        #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        let link = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(link.hasPrefix("\(url)/signin/link/") && link.count == "\(url)/signin/link/".count + 64, "\(link)")
        #expect(made.stderr.contains("a one-time link for ana"), "\(made.stderr)")
        let opened = try await call(collector, .GET, String(link.dropFirst(url.count)))
        #expect(opened.status == 303 && opened.location == "/" && opened.cookie != nil)
        let agent = try await Self.edgeprof(["collector", "signin-link", "--collector", url, "--token", collector.agentToken])
        #expect(agent.status == 77 && agent.stderr.contains("answered 403") && agent.stdout.isEmpty, "an agent's token gets no link: \(agent.stderr)")
    }

    @Test func sessionsExpireLinksAreSingleUseAndSecretsCompareWhole() {
        let sessions = DashboardSessions()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let opened = sessions.open(tokenSHA256: "t", actor: "ana", tokenExpiresAt: now.addingTimeInterval(60), now: now)
        #expect(opened.id.count == 64 && opened.session.csrf.count == 64 && opened.id != opened.session.csrf)
        #expect(opened.session.expiresAt == now.addingTimeInterval(60), "a session never outlives its token")
        #expect(sessions.session(id: opened.id, now: now.addingTimeInterval(59))?.actor == "ana")
        #expect(sessions.session(id: opened.id, now: now.addingTimeInterval(60)) == nil)
        #expect(sessions.session(id: opened.id, now: now) == nil, "an expired session is forgotten")
        let long = sessions.open(tokenSHA256: "t", actor: "ana", tokenExpiresAt: nil, now: now)
        #expect(long.session.expiresAt == now.addingTimeInterval(DashboardSessions.sessionLifetime))
        sessions.close(id: long.id)
        #expect(sessions.session(id: long.id, now: now) == nil)

        let link = sessions.issueLink(tokenSHA256: "t", actor: "ana", now: now)
        #expect(sessions.redeem(code: link.code, now: now.addingTimeInterval(1))?.actor == "ana")
        #expect(sessions.redeem(code: link.code, now: now.addingTimeInterval(2)) == nil, "used once")
        let stale = sessions.issueLink(tokenSHA256: "t", actor: "ana", now: now)
        #expect(sessions.redeem(code: stale.code, now: now.addingTimeInterval(DashboardSessions.linkLifetime)) == nil)

        #expect(DashboardSessions.matches("abc", "abc") && !DashboardSessions.matches("abd", "abc") && !DashboardSessions.matches("ab", "abc"))
        #expect(!DashboardSessions.matches("", ""), "an empty secret matches nothing")
        #expect(DashboardHandlers.safeNext("/devices/b%3As?x=1") == "/devices/b%3As?x=1")
        for unsafe in ["//evil.example", "https://evil.example", "/\\evil.example", "devices", "/a b", nil] as [String?] {
            #expect(DashboardHandlers.safeNext(unsafe) == "/", "\(unsafe ?? "nil")")
        }
    }
}
