import Foundation

/// Runs the built `edgeprof` binary as a user would, with a deadline so no test can hang CI.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// $EDGEPROF_BIN, else the debug build next to the test bundle's build folder.
    static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["EDGEPROF_BIN"] { return explicit }
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("edgeprof").path
        if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
        return repository.appendingPathComponent(".build/debug/edgeprof").path
    }

    let home: URL

    init() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    var database: String { home.appendingPathComponent("edgeprof.sqlite").path }

    /// The environment every run gets: data in this test's folder, `ana` as the default actor.
    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_DATA_HOME"] = home.path
        environment["EDGEPROF_DB"] = database
        environment["EDGEPROF_LEASES"] = home.appendingPathComponent("leases/leases.sqlite").path
        environment["EDGEPROF_ACTOR"] = "ana"
        return environment
    }

    /// Starts `edgeprof ARGS` without waiting, with extra environment (for tests that kill it).
    func start(_ arguments: [String], environment extra: [String: String], standardError: FileHandle? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = environment.merging(extra) { $1 }
        process.currentDirectoryURL = home
        process.standardOutput = FileHandle.nullDevice
        process.standardError = standardError ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `edgeprof ARGS` (or `prefix… edgeprof ARGS`) with its data in this test's folder,
    /// from `directory` (default: that folder).
    func run(
        _ arguments: [String], prefix: [String] = [], environment extra: [String: String] = [:], timeout: TimeInterval = 60, directory: URL? = nil
    ) throws -> Result {
        let process = Process()
        let all = prefix + [Self.binary] + arguments
        process.executableURL = URL(fileURLWithPath: all[0])
        process.arguments = Array(all.dropFirst())
        process.environment = environment.merging(extra) { $1 }
        process.currentDirectoryURL = directory ?? home
        let outPath = home.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errPath = home.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outPath.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outPath)
        process.standardError = try FileHandle(forWritingTo: errPath)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let stdout = try Data(contentsOf: outPath)
        let stderr = try Data(contentsOf: errPath)
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Makes the default actor `ana` a data scientist and ML engineer (the first actor adds herself).
    func addDefaultActor() throws {
        let added = try run(["actors", "add", "ana", "--role", "data_scientist", "--role", "ml_engineer"])
        guard added.status == 0 else { throw CLIError.failed(added.stderr) }
    }

    enum CLIError: Error { case failed(String) }

    /// Runs the real sqlite3 on this test's database, or on `file` (to look under the hood, or to tamper).
    func sqlite(_ sql: String, in file: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [file ?? database, sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// Validates a JUnit report against docs/junit.xsd with the real xmllint; returns what
    /// xmllint said when the file is not valid, nil when it is.
    static func junitSchemaProblems(_ file: String) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", "--schema", repository.appendingPathComponent("docs/junit.xsd").path, file]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : text
    }

    /// Runs `body` on a thread of its own: a long synchronous CLI test on the small cooperative
    /// pool would starve the tests that run a collector meanwhile.
    static func offThePool(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread {
                do {
                    try body()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    /// Writes a file into this test's folder and returns its path.
    func file(_ name: String, _ contents: String) -> String {
        let path = home.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data(contents.utf8))
        return path
    }
}

/// `edgeprof sim board` (or `sim ppk2`) in a process of its own; its first stdout line is the terminal path.
final class SimulatorProcess {
    let process = Process()
    let path: String

    init(arguments: [String], device: String = "board", environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["sim", device] + arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data([0x0A]) {
            line.append(byte)
        }
        path = String(decoding: line, as: UTF8.self)
    }

    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
