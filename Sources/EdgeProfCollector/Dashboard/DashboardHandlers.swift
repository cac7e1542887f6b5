import EdgeProfAgent
import EdgeProfCore
import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard's requests: who is signed in (a session cookie), the checks every form passes
/// (same origin, the session's form token), and answers as HTML pages. The pages read the same
/// store as the API, and every act goes through the same rules and audit as the CLI.
struct DashboardHandlers: Sendable {
    let store: any CollectorStore
    let configuration: CollectorConfiguration
    let sessions: DashboardSessions
    let api: CollectorHandlers

    static let cookieName = "edgeprof_session"
    /// A form body beyond this is refused: the dashboard's forms carry a reason at most.
    static let maximumFormBytes = 64 * 1024

    /// A signed-in request: the person, their session and the token's grant as it stands now.
    struct SignedIn: Sendable {
        var viewer: DashboardViewer
        var sessionID: String
        var grant: TokenGrant
    }

    /// A page that cannot be shown or an act that was refused, as the person should read it.
    struct Problem: Error {
        var status: HTTPResponse.Status
        var title: String
        var message: String
        var back: String?
    }

    // MARK: - Sessions

    /// The request's session, if its cookie names a live one whose token still works.
    func signedIn(_ request: Request) async throws -> SignedIn? {
        guard let id = Self.cookie(Self.cookieName, in: request.headers[values: .cookie]), let session = sessions.session(id: id, now: Date()) else {
            return nil
        }
        let grant: TokenGrant?
        do { grant = try await store.grant(tokenSHA256: session.tokenSHA256) } catch { throw APIError.store(error) }
        guard let grant, (try? CollectorAccess.check(.person, grant: grant, presented: true, now: Date())) != nil else {
            sessions.close(id: id)
            return nil
        }
        let roles: [GovernanceRole]
        do { roles = try await store.registry.snapshot(model: "").actor(named: grant.actor)?.roles ?? [] } catch { throw APIError.store(error) }
        return SignedIn(viewer: DashboardViewer(actor: grant.actor, roles: roles, csrf: session.csrf), sessionID: id, grant: grant)
    }

    /// A page for signed-in people: anyone else is sent to sign in first, and back here after.
    func page(_ request: Request, _ render: (SignedIn) async throws -> String) async -> Response {
        do {
            guard let signedIn = try await signedIn(request) else {
                let next = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
                return Self.redirect(to: "/signin?next=\(HTML.pathSegment(next))")
            }
            do {
                return Self.html(try await render(signedIn))
            } catch {
                return Self.problemPage(error, viewer: signedIn.viewer)
            }
        } catch {
            return Self.problemPage(error, viewer: nil)
        }
    }

    /// A form that changes something: signed in, same origin, the session's form token; then
    /// `act` with the form's fields answers where to go next.
    func form(_ request: Request, _ act: (SignedIn, [String: String]) async throws -> String) async -> Response {
        do {
            try Self.checkOrigin(request)
            guard let signedIn = try await signedIn(request) else {
                throw Problem(status: .forbidden, title: "Signed out", message: "You are not signed in (or your session ended): sign in again, then repeat.", back: "/signin")
            }
            let fields = try await Self.formFields(request)
            guard let presented = fields["csrf"], DashboardSessions.matches(presented, signedIn.viewer.csrf) else {
                throw Problem(
                    status: .forbidden, title: "Form refused",
                    message: "This form's security token is missing or stale (CSRF protection): reload the page and submit it again.", back: "/")
            }
            do {
                return Self.redirect(to: try await act(signedIn, fields))
            } catch {
                return Self.problemPage(error, viewer: signedIn.viewer)
            }
        } catch {
            return Self.problemPage(error, viewer: nil)
        }
    }

    // MARK: - Requests

    /// A form may only come from a page of this collector: a browser names the page's origin,
    /// and another site's differs.
    static func checkOrigin(_ request: Request) throws {
        if let name = DashboardHeader.secFetchSite, request.headers[name] == "cross-site" {
            throw Problem(status: .forbidden, title: "Form refused", message: "This form was sent from another site; open the dashboard itself and submit it there.", back: "/")
        }
        guard let origin = request.headers[.origin] else { return }
        let host = request.head.authority ?? ""
        guard origin == "http://\(host)" || origin == "https://\(host)" else {
            throw Problem(status: .forbidden, title: "Form refused", message: "This form was sent from \(origin), not from this collector's pages; open the dashboard itself and submit it there.", back: "/")
        }
    }

    /// The form's fields (first value of each), from an `application/x-www-form-urlencoded` body.
    static func formFields(_ request: Request) async throws -> [String: String] {
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == "application/x-www-form-urlencoded" else {
            throw Problem(status: .unsupportedMediaType, title: "Form refused", message: "A dashboard form is sent as application/x-www-form-urlencoded, as browsers send forms.", back: "/")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumFormBytes)
        } catch {
            throw Problem(status: .contentTooLarge, title: "Form refused", message: "The form is larger than \(maximumFormBytes / 1024) KB; shorten the reason.", back: "/")
        }
        return FormEncoding.firstValues(String(buffer: buffer))
    }

    static func cookie(_ name: String, in headers: [String]) -> String? {
        for header in headers {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    // MARK: - Responses

    /// Headers every page carries: no script, no inline style, no framing, nothing cached.
    static func securityHeaders() -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        if let name = DashboardHeader.contentTypeOptions { headers[name] = "nosniff" }
        // same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on the
        // dashboard's own forms, and the origin check could not tell them from a forged one.
        if let name = DashboardHeader.referrerPolicy { headers[name] = "same-origin" }
        headers[.cacheControl] = "no-store"
        return headers
    }

    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = securityHeaders()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    static func redirect(to location: String, setCookie: String? = nil) -> Response {
        var headers = securityHeaders()
        headers[.location] = location
        if let setCookie { headers[.setCookie] = setCookie }
        return Response(status: .seeOther, headers: headers)
    }

    static func problemPage(_ error: any Error, viewer: DashboardViewer?) -> Response {
        if let problem = error as? Problem {
            return html(DashboardLayout.problem(title: problem.title, message: problem.message, viewer: viewer, back: problem.back), status: problem.status)
        }
        if let api = error as? APIError {
            let title = api.status == .forbidden ? "Not permitted" : api.status == .notFound ? "Not found" : "Refused"
            return html(DashboardLayout.problem(title: title, message: api.message, viewer: viewer, back: "/"), status: api.status)
        }
        return html(DashboardLayout.problem(title: "Something went wrong", message: "\(error)", viewer: viewer, back: "/"), status: .internalServerError)
    }

    /// A governance act's refusal as a page error (the same status the API would answer).
    static func refused(_ error: AgentError) -> APIError { GovernanceHandlers.apiError(error) }

    /// A path parameter, percent-decoded.
    static func parameter(_ context: CollectorRequestContext, _ name: String) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }
}

/// Header names HTTPTypes does not define (each a valid token, so never nil).
enum DashboardHeader {
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")
}
