import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with a clean signal state: no signal blocked and the stopping
/// signals at their default action, whatever this process has blocked or ignored (Foundation's
/// Process passed its own blocked mask on, so an emulator ignored SIGTERM and every stop waited
/// for SIGKILL). Its output and error go to one pipe; its input is /dev/null.
final class SpawnedProcess: @unchecked Sendable {
    let processIdentifier: pid_t
    /// The read end of the child's output and error.
    let output: FileHandle
    private let lock = NSLock()
    private var waitStatus: Int32?

    /// The signals the child gets back at their default action.
    private static let stoppingSignals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE]

    init(executable: String, arguments: [String]) throws {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in Self.stoppingSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) }
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        var terminated = argv + [nil]
        let result = terminated.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return EINVAL }
            return posix_spawn(&pid, executable, &actions, &attributes, base, environ)
        }
        close(writeEnd)
        guard result == 0 else {
            close(readEnd)
            throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO)
        }
        processIdentifier = pid
        output = FileHandle(fileDescriptor: readEnd, closeOnDealloc: true)
    }

    /// Whether the child still runs (reaping it when it has ended).
    var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return reap(blocking: false) == nil
    }

    /// "status N" for an exit, "signal N" for a death by signal; nil while it runs.
    var ending: String? {
        lock.lock()
        defer { lock.unlock() }
        guard let status = reap(blocking: false) else { return nil }
        return Self.exited(status) ? "status \(Self.exitStatus(status))" : "signal \(status & 0x7f)"
    }

    /// The signal that ended the child, if one did.
    var terminatingSignal: Int32? {
        lock.lock()
        defer { lock.unlock() }
        guard let status = reap(blocking: false), !Self.exited(status) else { return nil }
        return status & 0x7f
    }

    var exitCode: Int32 {
        lock.lock()
        defer { lock.unlock() }
        return reap(blocking: false).map(Self.exitStatus) ?? -1
    }

    func signal(_ number: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if waitStatus == nil { kill(processIdentifier, number) }
    }

    /// SIGTERM, then SIGKILL when the child has not ended within `grace`; returns once reaped.
    func stop(grace: Duration = .seconds(1)) {
        signal(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if isRunning { signal(SIGKILL) }
        waitUntilExit()
    }

    func waitUntilExit() {
        lock.lock()
        defer { lock.unlock() }
        _ = reap(blocking: true)
    }

    /// The wait status, once known; called with the lock held.
    private func reap(blocking: Bool) -> Int32? {
        if let waitStatus { return waitStatus }
        var status: Int32 = 0
        while true {
            let result = waitpid(processIdentifier, &status, blocking ? 0 : WNOHANG)
            if result == processIdentifier {
                waitStatus = status
                return status
            }
            if result == -1, errno == EINTR { continue }
            if result == -1 {
                waitStatus = 0
                return 0
            }
            return nil
        }
    }

    private static func exited(_ status: Int32) -> Bool { status & 0x7f == 0 }
    private static func exitStatus(_ status: Int32) -> Int32 { (status >> 8) & 0xff }
}
