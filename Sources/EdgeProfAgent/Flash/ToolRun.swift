import EdgeProfCore
import Foundation

/// Runs one flasher step to completion or to its deadline, keeping the tail of its output.
struct ToolRun {
    enum Ending {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
    }

    var ending: Ending
    var output: String

    /// The last lines of the output, enough to see why a tool failed.
    var tail: String { output.split(whereSeparator: \.isNewline).suffix(12).joined(separator: "\n") }

    /// Runs `program` (already found on PATH) and waits at most `timeout`.
    static func run(program: String, arguments: [String], timeout: Duration) throws -> ToolRun {
        let process = try SpawnedProcess(executable: program, arguments: arguments)
        let descriptor = process.output.fileDescriptor
        var collected = [UInt8]()
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                process.stop()
                return ToolRun(ending: .timedOut, output: String(decoding: collected, as: UTF8.self))
            }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, min(remaining.wholeMilliseconds, 200))
            if ready < 0, errno != EINTR { break }
            guard ready > 0 else { continue }
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            collected += buffer[..<count]
            if collected.count > 262_144 { collected.removeFirst(collected.count - 131_072) }
        }
        let output = String(decoding: collected, as: UTF8.self)
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning {
            process.stop()
            return ToolRun(ending: .timedOut, output: output)
        }
        if let signal = process.terminatingSignal { return ToolRun(ending: .signalled(signal), output: output) }
        return ToolRun(ending: .exited(process.exitCode), output: output)
    }
}

extension Duration {
    /// Whole milliseconds, clamped to Int32 for poll(2).
    fileprivate var wholeMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        return Int32(clamping: max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}
