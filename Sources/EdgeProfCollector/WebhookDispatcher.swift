import AsyncHTTPClient
import EdgeProfCore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Delivers queued alert events to their webhooks: POST JSON signed with the webhook's secret
/// (`X-EdgeProf-Signature`) and its configured headers. 2xx is delivered; 408, 429, 5xx and network
/// failures are retried with backoff up to the webhook's attempts; other answers, the last failed
/// attempt and a webhook no longer configured move the delivery to the dead-letter list, so one
/// receiver's bad answer never blocks its later events. The queue is in the store, so a restart
/// loses no event.
struct WebhookDispatcher: Service {
    let store: any CollectorStore
    let retry: RetrySchedule
    let webhooks: [WebhookTarget]
    let logger: Logger
    let poll: Duration
    var metrics: CollectorMetrics?

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
            guard let target = webhooks.first(where: { $0.url == delivery.url }) else {
                await settle(delivery, .dead("the webhook is no longer configured; add it back, then re-send"))
                continue
            }
            let (status, failure) = await send(delivery, to: target)
            await settle(delivery, WebhookPolicy.outcome(status: status, failure: failure, attempt: delivery.attempts + 1, maximumAttempts: target.maximumAttempts))
        }
    }

    private func send(_ delivery: WebhookDelivery, to target: WebhookTarget) async -> (status: Int?, failure: String?) {
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        for (name, value) in target.headers.sorted(by: { $0.key < $1.key }) { request.headers.add(name: name, value: value) }
        let timestamp = Int(Date().timeIntervalSince1970)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "edgeprof-collector/\(EdgeProfVersion.current)")
        request.headers.add(name: "X-EdgeProf-Delivery", value: String(delivery.id))
        request.headers.add(name: "X-EdgeProf-Timestamp", value: String(timestamp))
        request.headers.add(name: "X-EdgeProf-Signature", value: WebhookPolicy.signature(body: delivery.body, secret: target.secret, timestamp: timestamp))
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        do {
            let response = try await Self.http.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 1 << 16)
            return (Int(response.status.code), nil)
        } catch {
            return (nil, "\(error)")
        }
    }

    private func settle(_ delivery: WebhookDelivery, _ outcome: WebhookPolicy.Outcome) async {
        do {
            switch outcome {
            case .delivered:
                try await store.markWebhookDelivered(id: delivery.id, at: Date())
                metrics?.recordDelivery(receiver: "webhook", outcome: "delivered")
            case .retry(let reason):
                let wait = retry.delay(afterFailures: delivery.attempts + 1, unit: Double.random(in: 0..<1))
                try await store.markWebhookFailed(id: delivery.id, error: reason, next: Date().addingTimeInterval(wait))
                metrics?.recordDelivery(receiver: "webhook", outcome: "retried")
                logger.warning("webhook \(delivery.url) failed (\(reason)); retry in \(Int(wait.rounded())) s")
            case .dead(let reason):
                try await store.markWebhookDead(id: delivery.id, error: reason, at: Date())
                metrics?.recordDelivery(receiver: "webhook", outcome: "dead")
                logger.error("webhook delivery \(delivery.id) to \(delivery.url) is dead: \(reason); `edgeprof alerts resend \(delivery.id)` sends it again")
            }
        } catch {
            logger.error("webhook queue not updated: \(error.description)")
        }
    }
}
