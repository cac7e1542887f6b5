import EdgeProfCore
import Foundation
import HTTPTypes
import Hummingbird

/// The API's successful answers: JSON (dates as ISO 8601 with milliseconds, written as
/// `JSONCoding.encoder` writes it) or text.
enum Responses {
    static func json(_ value: any Encodable & Sendable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try CanonicalJSONEncoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ body: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
