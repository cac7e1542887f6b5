import AsyncHTTPClient
import EdgeProfCore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Delivers queued alert events to their webhooks: POST JSON, 2xx is delivered, anything else is
/// retried with backoff. The queue is in the store, so a restart loses no event.
struct WebhookDispatcher: Service {
    let store: any CollectorStore
    let retry: RetrySchedule
    let logger: Logger
    let poll: Duration

    private static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(3)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: poll)
                await deliverDue()
            }
        }
    }

    func deliverDue() async {
        let due: [WebhookDelivery]
        do { due = try await store.dueWebhookDeliveries(now: Date(), limit: 32) } catch {
            if !Task.isCancelled { logger.error("webhook queue unreadable: \(error.description)") }
            return
        }
        for delivery in due {
            var request = HTTPClientRequest(url: delivery.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "edgeprof-collector/\(EdgeProfVersion.current)")
            request.body = .bytes(ByteBuffer(bytes: delivery.body))
            var failure: String?
            do {
                let response = try await Self.http.execute(request, timeout: .seconds(10))
                _ = try? await response.body.collect(upTo: 1 << 16)
                if !(200..<300).contains(Int(response.status.code)) { failure = "HTTP \(response.status.code)" }
            } catch {
                failure = "\(error)"
            }
            do {
                if let failure {
                    let wait = retry.delay(afterFailures: delivery.attempts + 1, unit: Double.random(in: 0..<1))
                    try await store.markWebhookFailed(id: delivery.id, error: failure, next: Date().addingTimeInterval(wait))
                    logger.warning("webhook \(delivery.url) failed (\(failure)); retry in \(Int(wait.rounded())) s")
                } else {
                    try await store.markWebhookDelivered(id: delivery.id, at: Date())
                }
            } catch {
                logger.error("webhook queue not updated: \(error.description)")
            }
        }
    }
}
