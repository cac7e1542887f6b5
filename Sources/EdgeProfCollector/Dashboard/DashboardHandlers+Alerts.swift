import EdgeProfCore
import Foundation
import Hummingbird

/// The alerts page and acknowledging from it (the API's act: same rule, same audit entry).
extension DashboardHandlers {
    func alerts(_ request: Request) async -> Response {
        let query = FormEncoding.firstValues(request.uri.query)
        let state = query["state"] ?? "live"
        return await page(request) { signedIn in
            let alerts: [Alert]
            switch state {
            case "live": alerts = try await liveAlerts().sorted { $0.id > $1.id }
            default:
                guard let chosen = AlertState(rawValue: state) else {
                    throw Problem(status: .badRequest, title: "No such state", message: "Alerts are live, open, acknowledged or resolved, not \(state).", back: "/alerts")
                }
                alerts = try await storeCall { () async throws(StoreError) in try await store.alerts(state: chosen, limit: 1000) }
            }
            return AlertsView.page(alerts: alerts, state: state, viewer: signedIn.viewer, now: Date(), notice: query["notice"])
        }
    }

    func acknowledgeAlert(_ request: Request, context: CollectorRequestContext) async -> Response {
        let text = Self.parameter(context, "id")
        return await form(request) { signedIn, fields in
            guard let id = Int64(text), id > 0 else {
                throw Problem(status: .badRequest, title: "No such alert", message: "An alert id is a whole number ≥ 1, not \(text).", back: "/alerts")
            }
            _ = try await api.acknowledge(alertID: id, reason: fields["reason"], grant: signedIn.grant)
            return Self.withNotice(Self.safeNext(fields["back"]), "Alert \(id) acknowledged by \(signedIn.viewer.actor).")
        }
    }

    /// `path` with a `notice` for the page to show (before any fragment).
    static func withNotice(_ path: String, _ notice: String) -> String {
        let parts = path.split(separator: "#", maxSplits: 1)
        let base = String(parts.first ?? "/")
        let fragment = parts.count == 2 ? "#\(parts[1])" : ""
        return base + (base.contains("?") ? "&" : "?") + "notice=" + HTML.pathSegment(notice) + fragment
    }
}
