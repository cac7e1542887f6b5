import AsyncHTTPClient
import Foundation
import NIOCore

/// A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`) on a free port of
/// 127.0.0.1, with a route to a receiver that sends nothing, its data in a temporary folder.
final class AlertmanagerProcess: @unchecked Sendable {
    static let binary = ["/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager", "/usr/bin/alertmanager"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    let port: Int
    let folder: URL
    private var process: Process?

    var url: String { "http://127.0.0.1:\(port)" }

    init(port: Int? = nil) throws {
        self.port = try port ?? Self.freePort()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-alertmanager-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "route:\n  receiver: nowhere\n  group_wait: 1s\nreceivers:\n  - name: nowhere\n".write(
            to: folder.appendingPathComponent("alertmanager.yml"), atomically: true, encoding: .utf8)
    }

    /// Starts it and waits until it is ready; throws naming the Debian package when it is not installed.
    func start() async throws {
        guard let binary = Self.binary else {
            throw AlertmanagerMissing()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--config.file=\(folder.appendingPathComponent("alertmanager.yml").path)", "--storage.path=\(folder.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: { () -> URL in
            let log = folder.appendingPathComponent("alertmanager.log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            return log
        }())
        try process.run()
        self.process = process
        for _ in 0..<100 {
            if (try? await get("/-/ready"))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw AlertmanagerMissing(reason: "it did not become ready on \(url) within 10 s")
    }

    func stop() {
        process?.terminate()
        process?.waitUntilExit()
        process = nil
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The alerts Alertmanager holds as active (resolved ones are not listed).
    func alerts() async throws -> [[String: Any]] {
        let (_, body) = try await get("/api/v2/alerts")
        return (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]]) ?? []
    }

    private func get(_ path: String) async throws -> (status: Int, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url + path), timeout: .seconds(5))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return (Int(response.status.code), String(buffer: bytes))
    }

    private static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw AlertmanagerMissing(reason: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct AlertmanagerMissing: Error, CustomStringConvertible {
    var reason = "prometheus-alertmanager is not installed: `apt-get install prometheus-alertmanager` (scripts/debian-packages.txt lists it)"
    var description: String { reason }
}
