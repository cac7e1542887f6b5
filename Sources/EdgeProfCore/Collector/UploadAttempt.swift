import Foundation

/// What one upload attempt came to, and so what the spool does with the run.
public enum UploadAttempt: Sendable, Hashable {
    /// Stored (or already stored): the run leaves the spool.
    case delivered(RunReceipt)
    /// The collector refused the run itself (invalid, unregistered model, another artifact): kept
    /// in the spool as rejected, with the reason, until someone looks. Retrying cannot help.
    case rejected(String)
    /// The collector was unreachable, busy, failing or refused the token: tried again later.
    case retry(String)

    /// Classifies a collector's answer to `POST /v1/runs`.
    public static func classify(status: Int, body: Data) -> UploadAttempt {
        let message = APIErrorBody.parse(body)?.message ?? "HTTP \(status)"
        switch status {
        case 200, 201:
            guard let receipt = try? JSONCoding.decoder.decode(RunReceipt.self, from: body) else {
                return .retry("the collector answered \(status) without a receipt")
            }
            return .delivered(receipt)
        case 400, 409, 413, 415, 422:
            return .rejected("\(status): \(message)")
        default:
            return .retry("\(status): \(message)")
        }
    }
}
