import EdgeProfCore
import Foundation

/// A board of the catalogue run by its emulator (QEMU) on its prebuilt firmware, with its UART
/// on a pseudo-terminal. `-icount shift=0` makes virtual time count instructions, so tick counts
/// repeat exactly. Stopped by `stop()`, by the interrupt guard on Ctrl-C, and by the kernel if
/// this process dies (`setpriv --pdeathsig KILL`). The emulator starts with no signal blocked
/// (`SpawnedProcess`), so SIGTERM stops it at once; SIGKILL follows a second later if not.
public final class EmulatedBoard: @unchecked Sendable {
    public let entry: CatalogueEntry
    /// The UART's pseudo-terminal, e.g. /dev/pts/7.
    public let path: String
    /// The firmware ELF it was started with; empty for a blank board.
    public let firmware: String
    private let process: SpawnedProcess
    private let lock = NSLock()
    private var stopped = false
    private var output = ""

    /// A board that starts with empty memory, halted, waiting for a debugger on its gdbstub to
    /// load firmware (`edgeprof flash`), as a real board waits for its probe.
    public struct Blank: Sendable, Hashable {
        /// The gdbstub's TCP port on 127.0.0.1.
        public var gdbPort: Int

        public init(gdbPort: Int) { self.gdbPort = gdbPort }
    }

    /// Starts the emulator; throws with the fix when the emulator or the firmware is missing.
    /// `deterministic: false` leaves out `-icount`, so virtual time follows the host's clock
    /// (the host-overhead benchmark compares wall time with on-device time that way). `blank`
    /// starts it without firmware, halted, with its gdbstub listening.
    public init(
        entry: CatalogueEntry, catalogueDirectory: String, deterministic: Bool = true, blank: Blank? = nil, startTimeout: Duration = .seconds(10)
    ) throws(EmulationError) {
        guard let emulator = entry.emulator else { throw .notEmulated(board: entry.name) }
        guard let program = Self.executable(emulator.program) else {
            throw .programMissing(program: emulator.program, debianPackage: emulator.program)
        }
        let firmware = blank == nil ? Self.firmwarePath(of: entry, catalogueDirectory: catalogueDirectory) ?? emulator.firmware : ""
        if blank == nil, !FileManager.default.fileExists(atPath: firmware) {
            throw .firmwareMissing(board: entry.name, path: firmware, toolchainInstalled: Self.executable("arm-none-eabi-gcc") != nil)
        }
        self.entry = entry
        self.firmware = firmware
        let image = blank.map { ["-S", "-gdb", "tcp:127.0.0.1:\($0.gdbPort)"] } ?? ["-kernel", firmware]
        let arguments = ["-M", emulator.machine] + image + (deterministic ? ["-icount", "shift=0"] : []) + [
            "-display", "none", "-monitor", "none", "-chardev", "pty,id=uart0", "-serial", "chardev:uart0",
        ]
        do {
            if let setpriv = Self.executable("setpriv") {
                process = try SpawnedProcess(executable: setpriv, arguments: ["--pdeathsig", "KILL", program] + arguments)
            } else {
                process = try SpawnedProcess(executable: program, arguments: arguments)
            }
        } catch {
            throw .exited(board: entry.name, status: -1, output: "\(error)")
        }
        path = try Self.terminalPath(from: process.output, process: process, board: entry.name, timeout: startTimeout)
        let handle = process.output
        Thread.detachNewThread { [weak self] in
            while let chunk = try? handle.read(upToCount: 4096), !chunk.isEmpty {
                guard let self else { return }
                self.lock.lock()
                self.output += String(decoding: chunk, as: UTF8.self)
                if self.output.count > 8192 { self.output = String(self.output.suffix(4096)) }
                self.lock.unlock()
            }
        }
    }

    /// How the emulator ended ("status 1", "signal 6") and its first line of output, if it
    /// stopped by itself.
    public var crash: (ending: String, output: String)? {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped, let ending = process.ending else { return nil }
        let firstLine = output.split(separator: "\n").first { !$0.hasPrefix("char device redirected") }.map(String.init) ?? ""
        return (ending, firstLine)
    }

    /// Stops the emulator: SIGTERM, then SIGKILL after a second. Safe to call more than once.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        process.stop()
    }

    /// The signal that ended the emulator (SIGTERM after a clean `stop()`), nil while it runs.
    public var terminatingSignal: Int32? { process.terminatingSignal }

    public var processIdentifier: Int32 { process.processIdentifier }

    deinit { stop() }

    /// QEMU prints "char device redirected to /dev/pts/N (label uart0)" once the pty exists.
    private static func terminalPath(from handle: FileHandle, process: SpawnedProcess, board: String, timeout: Duration) throws(EmulationError) -> String {
        let descriptor = handle.fileDescriptor
        var text = ""
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else {
                if !process.isRunning { break }
                continue
            }
            var buffer = [UInt8](repeating: 0, count: 512)
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            text += String(decoding: buffer[..<count], as: UTF8.self)
            if let range = text.range(of: #"/dev/pts/[0-9]+"#, options: .regularExpression) {
                return String(text[range])
            }
        }
        if process.isRunning {
            process.stop()
            throw .noTerminal(board: board, waited: timeout)
        }
        process.waitUntilExit()
        throw .exited(board: board, status: process.exitCode, output: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Where the board's firmware ELF is (nil for a board that is not emulated).
    public static func firmwarePath(of entry: CatalogueEntry, catalogueDirectory: String) -> String? {
        entry.emulator.map { (catalogueDirectory as NSString).appendingPathComponent($0.firmware) }
    }

    static func executable(_ name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

extension EmulatedBoard {
    /// Starts the board, runs `body` with it, and stops the emulator afterwards — also when
    /// `body` fails and when the process is interrupted. Without `stop`, an interrupt stops the
    /// emulator and exits; with it, the caller's `InterruptGuard` owns the signals and an
    /// insisting second interrupt stops the emulator before exiting.
    public static func running<T>(
        _ entry: CatalogueEntry, catalogueDirectory: String, blank: Blank? = nil, stop: StopRequest? = nil,
        _ body: (EmulatedBoard) throws(AgentError) -> T
    ) throws(AgentError) -> T {
        let board: EmulatedBoard
        do { board = try EmulatedBoard(entry: entry, catalogueDirectory: catalogueDirectory, blank: blank) } catch { throw .emulation(error) }
        let guardian = stop == nil ? InterruptGuard { board.stop() } : nil
        defer {
            board.stop()
            guardian?.cancel()
        }
        do throws(AgentError) {
            if let stop {
                return try stop.withCleanup({ board.stop() }) { () throws(AgentError) in try body(board) }
            }
            return try body(board)
        } catch {
            usleep(100_000)
            if let crash = board.crash {
                throw .emulation(.crashed(board: entry.name, ending: crash.ending, output: crash.output, cause: error.description))
            }
            throw error
        }
    }

    /// The same for a body that awaits — an agent that reconciles the board with its collector
    /// (installs, halts) and then profiles it, all while this one emulator runs, since what is
    /// installed lives in the emulated board's RAM. The caller's interrupt handling stays its own.
    public static func session<T>(
        _ entry: CatalogueEntry, catalogueDirectory: String, _ body: (EmulatedBoard) async throws(AgentError) -> T
    ) async throws(AgentError) -> T {
        let parent = EmulatorParentThread()
        let board: EmulatedBoard
        do { board = try await parent.spawn { () throws(EmulationError) in try EmulatedBoard(entry: entry, catalogueDirectory: catalogueDirectory) } } catch {
            throw .emulation(error)
        }
        defer {
            board.stop()
            parent.release()
        }
        do throws(AgentError) {
            return try await body(board)
        } catch {
            usleep(100_000)
            if let crash = board.crash {
                throw .emulation(.crashed(board: entry.name, ending: crash.ending, output: crash.output, cause: error.description))
            }
            throw error
        }
    }
}

/// The thread an emulator is started from, kept alive until the session ends. The emulator runs
/// under `setpriv --pdeathsig KILL`, and Linux sends that signal when the *thread* that started
/// it ends — which a pool thread may do while the task that started the emulator awaits.
final class EmulatorParentThread: @unchecked Sendable {
    private let released = DispatchSemaphore(value: 0)

    /// Runs `start` on a thread of its own, which then waits for `release()`.
    func spawn(_ start: @escaping @Sendable () throws(EmulationError) -> EmulatedBoard) async throws(EmulationError) -> EmulatedBoard {
        let started: Result<EmulatedBoard, EmulationError> = await withCheckedContinuation { continuation in
            Thread { [released] in
                do throws(EmulationError) {
                    continuation.resume(returning: .success(try start()))
                } catch {
                    continuation.resume(returning: .failure(error))
                    return
                }
                released.wait()
            }.start()
        }
        return try started.get()
    }

    /// Lets the thread end (after the emulator was stopped).
    func release() {
        released.signal()
    }
}
