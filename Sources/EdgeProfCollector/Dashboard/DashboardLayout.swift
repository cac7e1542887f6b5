import EdgeProfCore
import Foundation

/// Who is looking at a dashboard page: the signed-in person, their roles and the session's
/// form token (nil on the sign-in page).
struct DashboardViewer: Sendable {
    var actor: String
    var roles: [GovernanceRole]
    var csrf: String

    /// Whether the person holds one of `roles` (the page then offers the act; the rules still decide).
    func holds(any roles: [GovernanceRole]) -> Bool { self.roles.contains(where: roles.contains) }

    /// The hidden field every state-changing form carries.
    var csrfField: String { "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.escape(csrf))\">" }
}

/// The frame of every dashboard page: navigation, who is signed in, sign-out, and the page.
enum DashboardLayout {
    static func page(title: String, viewer: DashboardViewer?, notice: String? = nil, body: String) -> String {
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>\(HTML.escape(title)) · EdgeProf</title><link rel="stylesheet" href="/ui/style.css"><link rel="icon" href="data:,"></head><body>\
            <header><a class="brand" href="/">EdgeProf</a>
            """
        if let viewer {
            html += """
                <nav><a href="/">Devices</a><a href="/fleet">Fleet</a><a href="/alerts">Alerts</a><a href="/models">Models</a><a href="/audit">Audit trail</a></nav>\
                <form class="signout" method="post" action="/signout">\(viewer.csrfField)<span class="who" data-actor="\(HTML.escape(viewer.actor))">\
                \(HTML.escape(viewer.actor))<small>\(HTML.escape(viewer.roles.map(\.rawValue).joined(separator: ", ")))</small></span>\
                <button type="submit">Sign out</button></form>
                """
        }
        html += "</header><main><h1>\(HTML.escape(title))</h1>"
        if let notice { html += "<p class=\"notice\" role=\"status\">\(HTML.escape(notice))</p>" }
        return html + body + "</main></body></html>"
    }

    /// A refusal or a missing page, with what to do.
    static func problem(title: String, message: String, viewer: DashboardViewer?, back: String?) -> String {
        page(title: title, viewer: viewer, body: """
            <p class="problem" role="alert">\(HTML.escape(message))</p>\(back.map { "<p><a href=\"\(HTML.escape($0))\">Back</a></p>" } ?? "")
            """)
    }

    /// A table from header cells and rows of already-escaped cell HTML.
    static func table(class name: String, headers: [String], rows: [[String]], empty: String) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(HTML.escape(empty))</p>" }
        let head = headers.map { "<th>\(HTML.escape($0))</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined()
        return "<table class=\"\(name)\"><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table>"
    }

    /// "3 min ago", "2 h ago", "4 d ago" from `now`.
    static func ago(_ date: Date, now: Date) -> String {
        let seconds = max(0, now.timeIntervalSince(date))
        switch seconds {
        case ..<90: return "\(Int(seconds)) s ago"
        case ..<5400: return "\(Int(seconds / 60)) min ago"
        case ..<172_800: return "\(Int(seconds / 3600)) h ago"
        default: return "\(Int(seconds / 86400)) d ago"
        }
    }

    static func link(_ href: String, _ text: String) -> String {
        "<a href=\"\(HTML.escape(href))\">\(HTML.escape(text))</a>"
    }

    /// The stylesheet (served at /ui/style.css: the pages carry no inline style, so the content
    /// security policy can forbid it).
    static let stylesheet = """
        :root{--ink:#1d2433;--muted:#5b6474;--line:#d8dde6;--bg:#f6f7f9;--accent:#2457c5;--bad:#c62828;--warn:#b26a00;--ok:#2e7d32}
        *{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
        header{display:flex;align-items:center;gap:24px;padding:10px 24px;background:#fff;border-bottom:1px solid var(--line)}
        .brand{font-weight:700;color:var(--ink);text-decoration:none}nav{display:flex;gap:16px;flex:1}nav a{color:var(--accent);text-decoration:none}
        .signout{display:flex;align-items:center;gap:8px}.who small{display:block;color:var(--muted);font-size:11px}
        main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}h1{font-size:20px;margin:8px 0 16px}h2{font-size:16px;margin:24px 0 8px}
        table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line)}th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
        th{font-weight:600;color:var(--muted);font-size:12px}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        a{color:var(--accent)}.empty{color:var(--muted)}.notice{background:#e8f1ff;border:1px solid #b8cff5;padding:8px 12px}
        .problem{background:#fdecea;border:1px solid #f5c2bd;padding:8px 12px}
        .badge{display:inline-block;padding:1px 6px;border-radius:8px;font-size:12px;background:#eceff3}.badge.bad,.badge.fail,.badge.critical,.badge.high{background:#fdecea;color:var(--bad)}
        .badge.ok,.badge.pass{background:#e8f5e9;color:var(--ok)}.badge.warn,.badge.inconclusive,.badge.medium{background:#fff4e0;color:var(--warn)}
        .badge.emulated{background:#ede7f6;color:#4527a0}
        .facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:#fff;border:1px solid var(--line);padding:12px 16px}.facts dt{color:var(--muted)}.facts dd{margin:0}
        .chart{background:#fff;border:1px solid var(--line);padding:8px 8px 0;margin-bottom:12px}.chart h3{font-size:13px;margin:0 0 4px 8px}
        svg{width:100%;height:auto;display:block}svg .grid{stroke:#eef0f4}svg .axis{stroke:#9aa3b2}svg .tick,svg .unit,svg .marker-label{fill:var(--muted);font-size:11px}
        svg .band{fill:#2457c5;fill-opacity:.10;stroke:#2457c5;stroke-opacity:.35;stroke-dasharray:4 3}svg .trend-line{fill:none;stroke:#7d8aa3;stroke-width:1}
        svg .point{fill:var(--accent)}svg .point.outside{fill:var(--warn)}svg .point.alert{fill:var(--bad);stroke:#fff;stroke-width:1.5}
        svg .firmware-change{stroke:#6a1b9a;stroke-dasharray:2 3}svg .bar,svg .bars{fill:#5b7fd6}svg.energy .bars{fill:#2e7d32}
        svg .marker{stroke:var(--bad);stroke-width:1.5}svg .threshold{stroke:var(--bad);stroke-dasharray:6 4}svg .token-marks{stroke:#2457c5;stroke-width:1}
        form.inline{display:inline}button{font:inherit;padding:3px 10px;border:1px solid var(--accent);background:var(--accent);color:#fff;border-radius:4px;cursor:pointer}
        .signout button{background:#fff;color:var(--accent)}input[type=text],input[type=password],select,textarea{font:inherit;padding:4px 6px;border:1px solid var(--line);border-radius:4px}
        .act{background:#fff;border:1px solid var(--line);padding:12px 16px;margin:8px 0;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
        .act input[name=reason]{flex:1;min-width:240px}
        .signin{max-width:480px;background:#fff;border:1px solid var(--line);padding:16px}.signin input{width:100%;margin:8px 0}
        .mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-all}.card{background:#fff;border:1px solid var(--line);padding:8px 16px}
        """
}
