import AsyncHTTPClient
import EdgeProfCore
import Foundation
import NIOCore
import NIOHTTP1

/// The agent's side of the collector's API: upload a run, report the spool's depth. Never throws:
/// every failure becomes an `UploadAttempt` the spool knows what to do with.
public struct CollectorClient: Sendable {
    public let baseURL: String
    let token: String
    let timeout: TimeAmount

    public init(baseURL: String, token: String, timeout: Duration = .seconds(15)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
    }

    /// One client for the process: a refused connection fails at once (the spool does the
    /// retrying, with backoff), a connect attempt gives up after 3 s. An idle connection is closed
    /// after 2 s, well before the collector closes it (its header timeout, 10 s by default): a
    /// request sent on a connection the server is closing at that moment is reset, and a loaded
    /// two-core machine made that race common.
    private static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(3)
        configuration.connectionPool.idleTimeout = .seconds(2)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Sends `request`, once more on a fresh connection when the pooled one it was given had
    /// closed before the request could be written (the collector closed it as idle, or a busy
    /// host ran the idle timers late): a request that never left cannot have been acted on.
    static func execute(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> HTTPClientResponse {
        do {
            return try await http.execute(request, timeout: timeout)
        } catch let error as ChannelError where error == .ioOnClosedChannel {
            return try await http.execute(request, timeout: timeout)
        }
    }

    public func upload(body: Data, spoolDepth: Int) async -> UploadAttempt {
        var request = HTTPClientRequest(url: "\(baseURL)/v1/runs")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-EdgeProf-Spool-Depth", value: String(spoolDepth))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await Self.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return UploadAttempt.classify(status: Int(response.status.code), body: Data(bytes.readableBytesView))
        } catch {
            return .retry("collector unreachable at \(baseURL): \(Self.describe(error))")
        }
    }

    /// Calls an API route as a person's tool would: the body of a 2xx answer, else the collector's message.
    public func call(_ method: HTTPMethod, _ path: String, body: Data? = nil) async throws(AgentError) -> Data {
        var request = HTTPClientRequest(url: "\(baseURL)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let data: Data
        do {
            let response = try await Self.execute(request, timeout: timeout)
            status = Int(response.status.code)
            data = Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
        } catch {
            throw .collector(url: baseURL, status: nil, message: Self.describe(error))
        }
        guard (200..<300).contains(status) else {
            let detail = APIErrorBody.parse(data)
            throw .collector(url: baseURL, status: status, code: detail?.code, message: detail?.message ?? "HTTP \(status)")
        }
        return data
    }

    /// Decodes a collector's answer; one this edgeprof cannot read is named, with `what` it was.
    public func decoded<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws(AgentError) -> T {
        do { return try JSONCoding.decoder.decode(T.self, from: data) } catch {
            throw .collector(url: baseURL, status: 200, message: "\(what) this edgeprof cannot read (\(error))")
        }
    }

    /// Best effort: the collector's /metrics shows each bench's spool depth.
    public func report(bench: String, spoolDepth: Int) async {
        var request = HTTPClientRequest(url: "\(baseURL)/v1/agents/report")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"bench":"\#(bench)","spoolDepth":\#(spoolDepth)}"#))
        _ = try? await Self.execute(request, timeout: timeout)
    }

    /// Reports how each place of a bench fares (`stopping`: the agent stops on purpose, so the
    /// collector stops watching them for silence). Says whether the collector took it.
    @discardableResult
    public func report(bench: String, spoolDepth: Int, places: [BenchPlaceReport], stopping: Bool) async -> Bool {
        struct Body: Encodable {
            var bench: String
            var spoolDepth: Int
            var places: [BenchPlaceReport]
            var stopping: Bool
        }
        guard let body = try? JSONCoding.encoder.encode(Body(bench: bench, spoolDepth: spoolDepth, places: places, stopping: stopping)) else { return false }
        var request = HTTPClientRequest(url: "\(baseURL)/v1/agents/report")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        guard let response = try? await Self.execute(request, timeout: timeout) else { return false }
        return response.status == .noContent
    }

    private static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectTimeout") || text.contains("connect(descriptor") || text.contains("connectionRefused") || text.contains("Connection refused") {
            return "connection refused or timed out"
        }
        return text
    }
}
