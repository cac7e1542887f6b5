import EdgeProfCore

/// Why a flash did not put the image on the board, each with the tool and the fix.
public enum FlashError: Error, Sendable, Hashable, CustomStringConvertible {
    case plan(board: String, FlashPlanError)
    case toolMissing(board: String, tool: String, program: String, install: String)
    case toolFailed(board: String, program: String, ending: String, command: String, output: String)
    case timedOut(board: String, program: String, seconds: Int, command: String)
    case readBack(board: String, program: String, mismatches: [String])
    case notRunning(board: String, String)
    case scratch(String)

    public var description: String {
        switch self {
        case .plan(let board, let error): "cannot flash \(board): \(error.description)"
        case .toolMissing(let board, let tool, let program, let install):
            "\(program) is not installed (or not on PATH): the \(tool) flasher of \(board) runs it. Fix: \(install)"
        case .toolFailed(let board, let program, let ending, let command, let output):
            "\(program) failed (\(ending)) flashing \(board)\(output.isEmpty ? "" : ":\n\(output)")\nThe command was: \(command)\nFix: check that the probe and the board are plugged in and powered, and that no other program holds the probe; run the command by hand to see all of its output"
        case .timedOut(let board, let program, let seconds, let command):
            "\(program) did not finish within \(seconds) s flashing \(board) and was stopped. The command was: \(command)\nFix: check the probe and the board's power; for a slow probe raise the flasher's timeout-seconds in devices/ or pass --timeout"
        case .readBack(let board, let program, let mismatches):
            "\(program) wrote \(board)'s flash but reading it back did not match the image:\n\(mismatches.joined(separator: "\n"))\nFix: the flash may be write-protected or failing; erase it and flash again"
        case .notRunning(let board, let problem): "\(board) was flashed but does not run the image: \(problem)"
        case .scratch(let problem): "cannot prepare the flash: \(problem)"
        }
    }
}
