import EdgeProfCore
import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard's pages and forms under `/`, registered beside the API (and, like MLflow's
/// routes, not part of its OpenAPI document). Pages answer HTML; the one JSON route
/// (`POST /ui/links`) gives a person's token a one-time sign-in link.
enum DashboardRoute: CaseIterable, Sendable {
    case devices, devicesIndex, device, run, alerts, acknowledgeAlert, models, model, version, modelCard, approve, audit, fleet, monitoring
    case signInPage, signIn, signInLink, signOut, issueLink, stylesheet

    var method: HTTPRequest.Method {
        switch self {
        case .acknowledgeAlert, .approve, .signIn, .signOut, .issueLink: .post
        default: .get
        }
    }

    /// The path in Hummingbird's form (`:id` for a parameter).
    var path: String {
        switch self {
        case .devices: "/"
        case .devicesIndex: "/devices"
        case .device: "/devices/:device"
        case .run: "/runs/:id"
        case .alerts: "/alerts"
        case .acknowledgeAlert: "/alerts/:id/ack"
        case .models: "/models"
        case .model: "/models/:name"
        case .version: "/models/:name/:version"
        case .modelCard: "/models/:name/:version/card"
        case .approve: "/models/:name/:version/approve"
        case .audit: "/audit"
        case .fleet: "/fleet"
        case .monitoring: "/models/:name/monitoring"
        case .signInPage, .signIn: "/signin"
        case .signInLink: "/signin/link/:code"
        case .signOut: "/signout"
        case .issueLink: "/ui/links"
        case .stylesheet: "/ui/style.css"
        }
    }

    static func register(on router: Router<CollectorRequestContext>, _ handlers: DashboardHandlers) {
        for route in allCases {
            router.on(RouterPath(route.path), method: route.method) { request, context in
                try await handlers.respond(route, request: request, context: context)
            }
        }
    }
}

extension DashboardHandlers {
    func respond(_ route: DashboardRoute, request: Request, context: CollectorRequestContext) async throws -> Response {
        switch route {
        case .devices: return await devices(request)
        case .devicesIndex: return Self.redirect(to: "/")
        case .device: return await device(request, context: context)
        case .run: return await run(request, context: context)
        case .alerts: return await alerts(request)
        case .acknowledgeAlert: return await acknowledgeAlert(request, context: context)
        case .models: return await models(request)
        case .model: return await model(request, context: context)
        case .version: return await version(request, context: context)
        case .modelCard: return await modelCard(request, context: context)
        case .approve: return await approve(request, context: context)
        case .audit: return await audit(request)
        case .fleet: return await fleet(request)
        case .monitoring: return await monitoring(request, context: context)
        case .signInPage: return await signInPage(request)
        case .signIn: return await signIn(request, context: context)
        case .signInLink: return await signInWithLink(request, context: context)
        case .signOut: return await signOut(request)
        case .issueLink: return try await issueLink(request, context: context)
        case .stylesheet:
            var headers = Self.securityHeaders()
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "max-age=300"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: DashboardLayout.stylesheet)))
        }
    }
}
