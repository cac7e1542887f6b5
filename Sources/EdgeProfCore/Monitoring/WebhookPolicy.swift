import Crypto
import Foundation

/// How a webhook delivery is signed and what an answer means for it. Pure.
public enum WebhookPolicy {
    /// Headers the collector sets itself; a configured header may not replace them.
    public static let reservedHeaders: Set<String> = [
        "content-type", "user-agent", "x-edgeprof-signature", "x-edgeprof-timestamp", "x-edgeprof-delivery", "host", "content-length",
    ]

    /// `X-EdgeProf-Signature`: `sha256=` and the hex HMAC-SHA256, keyed by the webhook's secret, of
    /// the timestamp, a dot and the body, so a receiver can check both origin and freshness.
    public static func signature(body: Data, secret: String, timestamp: Int) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// What to do with a delivery after an attempt.
    public enum Outcome: Sendable, Hashable {
        case delivered
        /// Try again later.
        case retry(String)
        /// Stop: the delivery goes to the dead-letter list (re-sent only by a person).
        case dead(String)
    }

    /// 2xx delivers; 408, 429, 5xx and network failures are retried until the attempts run out;
    /// any other answer (400, 401, 404…) will not change by retrying and stops at once.
    public static func outcome(status: Int?, failure: String?, attempt: Int, maximumAttempts: Int) -> Outcome {
        if let status, (200..<300).contains(status) { return .delivered }
        let reason = status.map { "HTTP \($0)" } ?? failure ?? "no answer"
        if let status, (400..<500).contains(status), ![408, 429].contains(status) {
            return .dead("\(reason): the receiver refused the event; fix the receiver, then re-send it")
        }
        return attempt >= maximumAttempts ? .dead("\(reason) after \(attempt) attempts") : .retry(reason)
    }
}
