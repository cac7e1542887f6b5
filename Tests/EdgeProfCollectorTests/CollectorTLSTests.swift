import AsyncHTTPClient
@testable import EdgeProfCollector
import EdgeProfCore
import Foundation
import NIOSSL
import Testing

/// `--tls-cert`/`--tls-key`: the collector serves HTTPS with the given PEM files.
@Suite struct CollectorTLSTests {
    @Test func theCollectorServesHTTPSFromPEMFiles() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-tls-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)

        let store = try TemporaryCollectorStore.make()
        let application = CollectorApplication(
            store: store, configuration: CollectorConfiguration(host: "127.0.0.1", port: 0, tls: (certificate, key)))
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = try application.makeServiceGroup { continuation.yield($0) }
        _ = DedicatedServing.serve { try await group.run() }
        defer { Task { await group.triggerGracefulShutdown() } }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0

        var configuration = HTTPClient.Configuration()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificate))
        tls.certificateVerification = .noHostnameVerification
        configuration.tlsConfiguration = tls
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { _ = client.shutdown() }
        let response = try await client.execute(HTTPClientRequest(url: "https://127.0.0.1:\(port)/healthz"), timeout: .seconds(60))
        #expect(response.status.code == 200)
        let plain = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(5))
        #expect(plain?.status.code != 200, "no plain HTTP on the TLS port")

        #expect(throws: (any Error).self) { try CollectorApplication.tlsConfiguration(certificate: folder.appendingPathComponent("none.pem").path, key: key) }
    }
}
