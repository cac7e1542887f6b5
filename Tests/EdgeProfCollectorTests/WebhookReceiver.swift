import EdgeProfCollector
import EdgeProfCore
import Foundation
import Hummingbird
import ServiceLifecycle

/// A webhook endpoint on 127.0.0.1 that records every alert event it receives, checking each
/// delivery's signature as a receiver would; it can be told to fail the first deliveries (with a
/// status of choice), to prove they are retried or dead-lettered.
final class WebhookReceiver: Sendable {
    let port: Int
    let group: ServiceGroup
    private let box: Box

    final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var received: [AlertEvent] = []
        private var headerLog: [[String: String]] = []
        private var failuresLeft: Int

        init(failures: Int) { failuresLeft = failures }

        func take(_ event: AlertEvent, headers: [String: String]) -> Bool {
            lock.withLock {
                headerLog.append(headers)
                if failuresLeft > 0 {
                    failuresLeft -= 1
                    return false
                }
                received.append(event)
                return true
            }
        }

        var events: [AlertEvent] { lock.withLock { received } }
        var headers: [[String: String]] { lock.withLock { headerLog } }
    }

    /// The secret the receiver checks signatures with (the collector's tests configure it).
    static let secret = "receiver-secret-0123456789"

    var events: [AlertEvent] { box.events }
    /// Every delivery's headers, accepted or failed, in arrival order.
    var headers: [[String: String]] { box.headers }

    static func start(failFirst failures: Int = 0, failWith failure: HTTPResponse.Status = .serviceUnavailable) async throws -> WebhookReceiver {
        let box = Box(failures: failures)
        let router = Router()
        router.post("/hook") { request, context -> HTTPResponse.Status in
            let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            let headers = Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { first, _ in first })
            let timestamp = headers["x-edgeprof-timestamp"].flatMap { Int($0) } ?? 0
            guard headers["x-edgeprof-signature"] == WebhookPolicy.signature(body: body, secret: secret, timestamp: timestamp) else { return .unauthorized }
            let event = try JSONCoding.decoder.decode(AlertEvent.self, from: body)
            return box.take(event, headers: headers) ? .ok : failure
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let group = ServiceGroup(configuration: .init(services: [application], logger: application.logger))
        _ = DedicatedServing.serve { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        return WebhookReceiver(port: await iterator.next() ?? 0, group: group, box: box)
    }

    private init(port: Int, group: ServiceGroup, box: Box) {
        self.port = port
        self.group = group
        self.box = box
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// This receiver as the collector's configuration names it.
    func target(minimumSeverity: AlertSeverity? = nil, headers: [String: String] = [:], maximumAttempts: Int = WebhookTarget.defaultMaximumAttempts) -> WebhookTarget {
        WebhookTarget(url: url, minimumSeverity: minimumSeverity, secret: Self.secret, headers: headers, maximumAttempts: maximumAttempts)
    }

    /// Waits (up to `seconds`) until at least `count` events arrived.
    func waitFor(_ count: Int, seconds: Double = 15) async -> [AlertEvent] {
        let deadline = Date().addingTimeInterval(seconds)
        while events.count < count, Date() < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        return events
    }

    func stop() async { await group.triggerGracefulShutdown() }
}
