import EdgeProfCore
import Foundation
import Glibc
import NIOPosix
import Synchronization
import Testing

/// Issue 13: 1000 connections with half-sent heads or bodies stayed open for minutes. A real
/// socket on 127.0.0.1 sends part of a request and stops (or trickles): the collector must hang up
/// or answer 408 within its timeouts, and keep serving others meanwhile.
@Suite(.serialized) struct SlowClientTests {
    /// A blocking TCP connection to the collector, with a receive timeout.
    final class RawConnection: Sendable {
        let socket: Int32

        init(port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        func send(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(socket, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
        }

        /// What the server sent until it closed the connection (or the receive timeout passed).
        func readUntilClosed() -> (text: String, closed: Bool) {
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(socket, &buffer, buffer.count, 0)
                if count == 0 { return (String(decoding: received, as: UTF8.self), true) }
                if count < 0 { return (String(decoding: received, as: UTF8.self), false) }
                received += buffer.prefix(count)
            }
        }

        /// `readUntilClosed` on its own thread: a blocking read must not hold one of the few
        /// cooperative threads the collector under test runs on.
        func closed() async -> (text: String, closed: Bool) {
            await withCheckedContinuation { continuation in
                Thread { continuation.resume(returning: self.readUntilClosed()) }.start()
            }
        }

        /// Sends `text` `times` times, `interval` apart, on its own thread.
        func trickle(_ text: String, times: Int, interval: useconds_t) {
            Thread {
                for _ in 0..<times {
                    usleep(interval)
                    self.send(text)
                }
            }.start()
        }

        deinit { close(socket) }
    }

    /// When the server closed each connection, read on a thread of its own that starts at once:
    /// the instants are taken there, so a cooperative pool busy with other suites delays only
    /// the moment the test looks at them, never the instants themselves.
    final class ClosingWatch: Sendable {
        /// Each connection's time from `start` to its close; nil if it was still open at the receive timeout.
        private let times = Mutex<[Duration?]?>(nil)
        private let finished = DispatchSemaphore(value: 0)

        init(_ connections: [RawConnection], since start: ContinuousClock.Instant) {
            Thread { [self] in
                let closedAfter = connections.map { $0.readUntilClosed().closed ? ContinuousClock.now - start : nil }
                self.times.withLock { $0 = closedAfter }
                self.finished.signal()
            }.start()
        }

        func closingTimes() async -> [Duration?] {
            await withCheckedContinuation { continuation in
                Thread { [self] in
                    self.finished.wait()
                    continuation.resume(returning: self.times.withLock { $0 } ?? [])
                }.start()
            }
        }
    }

    /// Event loops of the test's own: every suite's servers and clients share NIO's singleton
    /// loops, and under the whole suite their traffic delayed this collector's timeouts by
    /// minutes (a local run closed the last half-sent head after 129 s).
    static func ownEventLoops() -> MultiThreadedEventLoopGroup {
        MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// The collector runs as `edgeprof collector serve`, a process of its own: in the test process
    /// the server accepts connections on the cooperative pool, which the whole suite keeps busy,
    /// and a full run once left 5 of the 50 heads unaccepted (so never timed out) for 2 minutes.
    @Test func aHalfSentHeadIsCutOffAndOthersAreStillServed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-slow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = CollectorCrashTests.Server(database: directory.appendingPathComponent("collector.db").path, port: CollectorCrashTests.freePort())
        try server.start(options: ["--header-timeout", "1", "--body-timeout", "2"])
        defer { server.kill() }
        try await server.waitUntilListening()
        let started = ContinuousClock.now
        let stalled = try (0..<50).map { _ in try RawConnection(port: server.port) }
        for connection in stalled { connection.send("GET /v1/runs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ept_") }
        let watch = ClosingWatch(stalled, since: started)
        let other = try RawConnection(port: server.port)
        other.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let (answer, _) = await other.closed()
        #expect(answer.hasPrefix("HTTP/1.1 200"), "the others are served meanwhile: \(answer)")
        let times = await watch.closingTimes()
        #expect(times.count == 50 && times.allSatisfy { $0 != nil }, "a half-sent head is cut off: \(times.filter { $0 == nil }.count) of 50 stayed open")
        let latest = times.compactMap { $0 }.max() ?? .zero
        #expect(latest < .seconds(30), "soon after the header timeout (1 s here), not minutes: the last closed after \(latest)")
    }

    @Test func aTrickledBodyIsAnswered408WithinTheBodyTimeout() async throws {
        // The head timeout outlasts any gap of the trickle even on a loaded machine: the body timeout answers.
        let loops = Self.ownEventLoops()
        let collector = try await LiveCollector.start(headerTimeout: .seconds(30), bodyTimeout: .seconds(2), eventLoopGroup: loops)
        defer { Task { await collector.stop(); try? await loops.shutdownGracefully() } }
        let connection = try RawConnection(port: collector.port)
        connection.send(
            "POST /v1/runs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(collector.agentToken)\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{")
        let started = ContinuousClock.now
        connection.trickle(" ", times: 100, interval: 400_000)  // trickles on long after the body timeout
        let (answer, _) = await connection.closed()
        #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
        #expect(answer.contains("body-timeout"))
        #expect(ContinuousClock.now - started < .seconds(30), "soon after the body timeout (2 s here), before the head timeout (30 s), not when the trickle ends")
    }
}

extension SlowClientTests {
    /// A source guessing tokens is refused for a while before any token is looked up; health and
    /// metrics stay open, and a valid token from that source waits its turn too.
    @Test func aSourceThatKeepsFailingAuthenticationIsThrottled() async throws {
        let collector = try await LiveCollector.start(authenticationThrottle: AuthenticationThrottle(limit: 5, window: 60, penalty: 30))
        defer { Task { await collector.stop() } }
        #expect(try await collector.request(.GET, "/v1/runs", token: collector.personToken).status == 200)
        for guess in 0..<5 {
            let token = "ept_\(String(format: "%012x", guess))_" + String(repeating: "0", count: 48)
            #expect(try await collector.request(.GET, "/v1/runs", token: token).status == 401)
        }
        let throttled = try await collector.request(.GET, "/v1/runs", token: collector.personToken)
        #expect(throttled.status == 429 && throttled.errorCode == "too-many-failures", "\(throttled.body)")
        // 30 s of penalty, counted down from the fifth failure: a loaded machine may take a second to ask.
        #expect(["try again in 30 s", "try again in 29 s"].contains { throttled.errorMessage?.contains($0) == true }, "\(throttled.body)")
        #expect(try await collector.request(.GET, "/healthz").status == 200)
        let metrics = try await collector.request(.GET, "/metrics").body
        #expect(metrics.contains("edgeprof_http_refusals_total{status=\"429\"} 1") && metrics.contains("edgeprof_http_refusals_total{status=\"401\"} 5"))
    }
}
