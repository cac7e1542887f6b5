/// A command the host sends to a board.
public enum HostCommand: Sendable, Hashable {
    case hello
    case ping
    /// `reports` asks a board for compact REC lines (`records` capability, Link v1.1, SPEC §7) or
    /// record frames (`frames` capability, v1.2, §8); ask only for a form the board announces.
    case run(RunRequest, reports: LinkReportForm = .lines)
    case abort
    /// Halts or resumes serving (boards with the `serve` capability).
    case serve(ServingState)
    /// Begins installing an artifact (boards with the `install` capability): its size, SHA-256
    /// (64 lower-case hex digits), model name and quantisation, as the model served or as the
    /// shadow (boards with the `shadow` capability).
    case load(size: UInt32, sha256: String, model: String, quantization: String, slot: InstallSlot = .serve)
    /// Artifact bytes from `offset` (at most `LinkProtocol.maximumChunk` of them).
    case data(offset: UInt32, bytes: ArraySlice<UInt8>)
    /// Every byte was sent: the board checks the SHA-256 and switches to the artifact.
    case commit
    /// Drops the shadow model (boards with the `shadow` capability).
    case unloadShadow

    /// The frame for this command with the host's sequence number.
    public func frame(sequence: UInt16) -> LinkFrame {
        switch self {
        case .hello:
            var builder = LinkFrameBuilder(verb: "HELLO", sequence: sequence)
            builder.add("proto", UInt64(LinkProtocol.version))
            return builder.frame
        case .ping:
            return LinkFrame(verb: "PING", sequence: sequence)
        case .run(let request, let reports):
            var builder = LinkFrameBuilder(verb: "RUN", sequence: sequence)
            builder.add("input", text: request.input)
            builder.add("tokens", UInt64(request.tokens))
            builder.add("iters", UInt64(request.iterations))
            builder.add("warmup", UInt64(request.warmup))
            if reports != .lines { builder.add("rec", UInt64(reports.rawValue)) }
            return builder.frame
        case .abort:
            return LinkFrame(verb: "ABORT", sequence: sequence)
        case .serve(let state):
            var builder = LinkFrameBuilder(verb: "SERVE", sequence: sequence)
            builder.add("state", text: state.rawValue)
            return builder.frame
        case .load(let size, let sha256, let model, let quantization, let slot):
            var builder = LinkFrameBuilder(verb: "LOAD", sequence: sequence)
            builder.add("size", UInt64(size))
            builder.add("sha256", text: sha256)
            builder.add("model", text: model)
            builder.add("quant", text: quantization)
            if slot == .shadow { builder.add("slot", text: slot.rawValue) }
            return builder.frame
        case .unloadShadow:
            var builder = LinkFrameBuilder(verb: "UNLOAD", sequence: sequence)
            builder.add("slot", text: InstallSlot.shadow.rawValue)
            return builder.frame
        case .data(let offset, let bytes):
            var builder = LinkFrameBuilder(verb: "DATA", sequence: sequence)
            builder.add("off", UInt64(offset))
            builder.add("hex", text: LinkValue.hex(Array(bytes)))
            return builder.frame
        case .commit:
            return LinkFrame(verb: "COMMIT", sequence: sequence)
        }
    }
}

/// Where a board puts an artifact it is sent: the model it serves, or the shadow it runs beside it.
public enum InstallSlot: String, Sendable, Hashable {
    case serve, shadow
}

/// Constants of EdgeProf Link v1.
public enum LinkProtocol {
    public static let version = 1
    public static let name = "edgeprof-link-v1"
    /// Most artifact bytes one DATA line carries (SPEC §2, "Installing an artifact").
    public static let maximumChunk = 160
}
