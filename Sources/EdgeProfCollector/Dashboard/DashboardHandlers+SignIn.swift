import EdgeProfCore
import Foundation
import HTTPTypes
import Hummingbird

/// Signing in and out: a person token typed into the form, or a one-time link asked for with
/// one (`edgeprof collector signin-link`); either opens a session held by an HttpOnly cookie.
extension DashboardHandlers {
    func signInPage(_ request: Request) async -> Response {
        let next = Self.safeNext(FormEncoding.firstValues(request.uri.query)["next"])
        if (try? await signedIn(request)) != nil { return Self.redirect(to: next) }
        return Self.html(SignInView.page(next: next, problem: nil))
    }

    func signIn(_ request: Request, context: CollectorRequestContext) async -> Response {
        do {
            try Self.checkOrigin(request)
            let fields = try await Self.formFields(request)
            let next = Self.safeNext(fields["next"])
            let token = (fields["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let grant: TokenGrant?
            do {
                grant = try await api.authorize(token: token, presented: true, .person, from: context.clientAddress)
            } catch let error as APIError {
                let message = error.status == .forbidden
                    ? "That is an agent's token: the dashboard signs in people, with a person token (edgeprof collector token create --for NAME --person)."
                    : error.message
                return Self.html(SignInView.page(next: next, problem: message), status: error.status)
            }
            guard let grant else { return Self.html(SignInView.page(next: next, problem: "No token was given."), status: .unauthorized) }
            return startSession(tokenSHA256: APIToken.sha256(of: token), grant: grant, next: next)
        } catch {
            return Self.problemPage(error, viewer: nil)
        }
    }

    /// Opens a one-time link: the session of the token that asked for it, if it still works.
    func signInWithLink(_ request: Request, context: CollectorRequestContext) async -> Response {
        let code = Self.parameter(context, "code")
        guard let link = sessions.redeem(code: code, now: Date()) else {
            return Self.html(SignInView.page(next: "/", problem: "This sign-in link was already used or has expired (links work once, for 15 minutes). Ask for a new one, or sign in with your token."), status: .unauthorized)
        }
        do {
            let grant = try await store.grant(tokenSHA256: link.tokenSHA256)
            guard let grant, (try? CollectorAccess.check(.person, grant: grant, presented: true, now: Date())) != nil else {
                return Self.html(SignInView.page(next: "/", problem: "The token this link was made with no longer works."), status: .unauthorized)
            }
            return startSession(tokenSHA256: link.tokenSHA256, grant: grant, next: "/")
        } catch {
            return Self.problemPage(error, viewer: nil)
        }
    }

    /// `POST /ui/links` with a person's bearer token: a one-time sign-in link for that person.
    func issueLink(_ request: Request, context: CollectorRequestContext) async throws -> Response {
        let token = CollectorHandlers.bearerToken(request)
        guard let grant = try await api.authorize(token: token, presented: request.headers[.authorization] != nil, .person, from: context.clientAddress),
              let token else {
            throw APIError(.unauthorized, "unauthorized", "a sign-in link needs a person's token: send `Authorization: Bearer ept_…`")
        }
        let link = sessions.issueLink(tokenSHA256: APIToken.sha256(of: token), actor: grant.actor, now: Date())
        struct Answer: Codable { var path: String; var actor: String; var expiresAt: Date }
        return try Responses.json(Answer(path: "/signin/link/\(link.code)", actor: grant.actor, expiresAt: link.expiresAt), status: .created)
    }

    func signOut(_ request: Request) async -> Response {
        await form(request) { signedIn, _ in
            sessions.close(id: signedIn.sessionID)
            return "/signin"
        }.settingCookie(sessionCookie(value: "", maxAge: 0))
    }

    private func startSession(tokenSHA256: String, grant: TokenGrant, next: String) -> Response {
        let opened = sessions.open(tokenSHA256: tokenSHA256, actor: grant.actor, tokenExpiresAt: grant.expiresAt, now: Date())
        let maxAge = max(1, Int(opened.session.expiresAt.timeIntervalSinceNow))
        return Self.redirect(to: next, setCookie: sessionCookie(value: opened.id, maxAge: maxAge))
    }

    /// The session cookie: never readable by scripts, not sent on other sites' POSTs, Secure under TLS.
    private func sessionCookie(value: String, maxAge: Int) -> String {
        "\(Self.cookieName)=\(value); Path=/; HttpOnly; SameSite=Lax; Max-Age=\(maxAge)\(configuration.tls == nil ? "" : "; Secure")"
    }

    /// Where to go after signing in: a path of this site only, never another site.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.unicodeScalars.contains(where: { $0.value < 0x21 }) else { return "/" }
        return next
    }
}

extension Response {
    /// The response with a `Set-Cookie` (signing out clears the cookie whatever the outcome).
    func settingCookie(_ cookie: String) -> Response {
        var response = self
        response.headers[.setCookie] = cookie
        return response
    }
}

/// The sign-in page.
enum SignInView {
    static func page(next: String, problem: String?) -> String {
        DashboardLayout.page(title: "Sign in", viewer: nil, body: """
            \(problem.map { "<p class=\"problem\" role=\"alert\">\(HTML.escape($0))</p>" } ?? "")\
            <form class="signin" method="post" action="/signin"><label for="token">Your person token</label>\
            <input id="token" name="token" type="password" autocomplete="off" placeholder="ept_…" required>\
            <input type="hidden" name="next" value="\(HTML.escape(next))"><button type="submit">Sign in</button>\
            <p class="empty">A person token comes from <code>edgeprof collector token create --for NAME --person</code>; \
            <code>edgeprof collector signin-link</code> prints a one-time link instead.</p></form>
            """)
    }
}
