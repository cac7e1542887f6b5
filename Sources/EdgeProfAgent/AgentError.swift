import EdgeProfCore
import EdgeProfHardware

/// Everything that can stop an agent operation, each with a message that names the problem
/// and the fix.
public enum AgentError: Error, Sendable, CustomStringConvertible {
    case transport(TransportError)
    case store(StoreError)
    case noAnswer(port: String, attempts: Int, waited: Duration, validLines: Int, droppedLines: Int, bytes: Int)
    case unsupportedProtocol(port: String, version: Int)
    case rejected(port: String, code: String, message: String)
    case unknownModel(ModelReference, known: [String])
    case modelMismatch(ModelReference, registered: String, board: String, boardModel: String)
    case artifact(path: String, problem: String)
    /// A file the command needs is missing or unreadable; `what` names it (firmware, profile…).
    case unreadable(what: String, path: String)
    case invalidArgument(String)
    case config(ConfigError)
    /// A bench file's place whose devices are not plugged in (or are ambiguous).
    case benchPlace(BenchResolutionError)
    case unknownRun(Int64)
    case leased(LeaseConflict)
    case power(PowerError)
    case governance(GovernanceError)
    case emulation(EmulationError)
    case firmware(path: String, ELFError)
    case flash(FlashError)
    case dutSilent(port: String, command: String, waited: Duration, heard: String)
    case driftInput(source: String, DriftSampleError)
    case drift(DriftComparisonError)
    /// The collector answered with an error (status, and the API's error code when it gave one)
    /// or could not be reached (status nil).
    case collector(url: String, status: Int?, code: String? = nil, message: String)

    public var description: String {
        switch self {
        case .transport(let error): error.description
        case .flash(let error): error.description
        case .store(let error): error.description
        case .noAnswer(let port, let attempts, let waited, let valid, let dropped, let bytes):
            if valid == 0 && (dropped > 0 || bytes > 0) {
                "no EdgeProf Link answer from \(port): \(bytes) bytes in \(waited.formattedSeconds) but no readable line (\(dropped) unreadable lines). Fix: check the baud rate (--baud) and that the board runs EdgeProf Link v1 firmware"
            } else {
                "no answer from \(port) after \(attempts) HELLO attempt\(attempts == 1 ? "" : "s") (\(waited.formattedSeconds)). Fix: check that the board is powered and runs EdgeProf Link v1 firmware, and that this is its port"
            }
        case .unsupportedProtocol(let port, let version):
            "the board on \(port) speaks EdgeProf Link v\(version); this edgeprof speaks v\(LinkProtocol.version). Fix: update edgeprof or the board's firmware"
        case .rejected(let port, let code, let message):
            "the board on \(port) refused: \(code): \(message)"
        case .unknownModel(let reference, let known):
            "unknown model \(reference)\(known.isEmpty ? "" : " (registered: \(known.joined(separator: ", ")))"). Fix: edgeprof model register \(reference.name) \(reference.version) --artifact FILE"
        case .modelMismatch(let reference, let registered, let board, let boardModel):
            "the board carries \(boardModel) with artifact sha256 \(board.prefix(12))…, but \(reference) was registered with \(registered.prefix(12))…. Fix: flash the registered artifact, or register this artifact as a new version"
        case .artifact(let path, let problem):
            "artifact \(path): \(problem)"
        case .unreadable(let what, let path):
            "\(what) \(path) cannot be read (missing or unreadable). Fix: check the path"
        case .invalidArgument(let message): message
        case .config(let error): error.description
        case .benchPlace(let error): error.description
        case .unknownRun(let id): "there is no run \(id). Fix: `edgeprof runs list` shows the stored runs"
        case .leased(let conflict): conflict.description
        case .power(let error): error.description
        case .governance(let error): error.description
        case .emulation(let error): error.description
        case .firmware(let path, let error): "\(path): \(error.description)"
        case .dutSilent(let port, let command, let waited, let heard):
            "no m-ready from \(port) within \(waited.formattedSeconds) after '\(command)' (heard \(heard)). Fix: check that the board runs MLPerf Tiny DUT firmware in performance mode (115200 baud)"
        case .driftInput(let source, let error): "\(source) \(error.description)"
        case .drift(let error): error.description
        case .collector(let url, let status, _, let message):
            status.map { "the collector at \(url) answered \($0): \(message)" } ?? "the collector at \(url) cannot be reached: \(message). Fix: check the URL and that `edgeprof collector serve` runs there"
        }
    }
}
