import EdgeProfAgent
import Foundation

/// A one-line progress display on a terminal's stderr; silent when stderr is not a terminal.
final class ProgressLine {
    private let enabled: Bool
    private var shown = false

    init(enabled: Bool) {
        self.enabled = enabled && Terminal.stderrIsTerminal
    }

    func update(_ progress: LinkSession.Progress) {
        guard enabled else { return }
        switch progress {
        case .iterationFinished(let measured, let warmup, let discarded, let request):
            let total = Int(request.iterations)
            let width = 24
            let filled = total == 0 ? 0 : min(width, measured * width / total)
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            var text = "\r  [\(bar)] \(measured)/\(total) iterations"
            if warmup < request.warmup { text += " (warmup \(warmup)/\(request.warmup))" }
            if discarded > 0 { text += ", \(discarded) discarded" }
            FileHandle.standardError.write(Data((text + "   ").utf8))
            shown = true
        }
    }

    /// A capture's progress, 0…1.
    func fraction(_ done: Double) {
        guard enabled else { return }
        let width = 24
        let filled = min(width, Int(done * Double(width)))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardError.write(Data("\r  [\(bar)] \(Int(done * 100)) %   ".utf8))
        shown = true
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\n".utf8)) }
        shown = false
    }
}
