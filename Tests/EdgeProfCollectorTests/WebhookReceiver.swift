import EdgeProfCore
import Foundation
import Hummingbird
import ServiceLifecycle

/// A webhook endpoint on 127.0.0.1 that records every alert event it receives; it can be told
/// to fail the first deliveries, to prove they are retried.
final class WebhookReceiver: Sendable {
    let port: Int
    let group: ServiceGroup
    private let box: Box

    final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var received: [AlertEvent] = []
        private var failuresLeft: Int

        init(failures: Int) { failuresLeft = failures }

        func take(_ event: AlertEvent) -> Bool {
            lock.withLock {
                if failuresLeft > 0 {
                    failuresLeft -= 1
                    return false
                }
                received.append(event)
                return true
            }
        }

        var events: [AlertEvent] { lock.withLock { received } }
    }

    var events: [AlertEvent] { box.events }

    static func start(failFirst failures: Int = 0) async throws -> WebhookReceiver {
        let box = Box(failures: failures)
        let router = Router()
        router.post("/hook") { request, context -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let event = try JSONCoding.decoder.decode(AlertEvent.self, from: Data(body.readableBytesView))
            return box.take(event) ? .ok : .serviceUnavailable
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let group = ServiceGroup(configuration: .init(services: [application], logger: application.logger))
        Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        return WebhookReceiver(port: await iterator.next() ?? 0, group: group, box: box)
    }

    private init(port: Int, group: ServiceGroup, box: Box) {
        self.port = port
        self.group = group
        self.box = box
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// Waits (up to `seconds`) until at least `count` events arrived.
    func waitFor(_ count: Int, seconds: Double = 15) async -> [AlertEvent] {
        let deadline = Date().addingTimeInterval(seconds)
        while events.count < count, Date() < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        return events
    }

    func stop() async { await group.triggerGracefulShutdown() }
}
