/// A command the host sends to a board.
public enum HostCommand: Sendable, Hashable {
    case hello
    case ping
    case run(RunRequest)
    case abort
    /// Halts or resumes serving (boards with the `serve` capability).
    case serve(ServingState)

    /// The frame for this command with the host's sequence number.
    public func frame(sequence: UInt16) -> LinkFrame {
        switch self {
        case .hello:
            var builder = LinkFrameBuilder(verb: "HELLO", sequence: sequence)
            builder.add("proto", UInt64(LinkProtocol.version))
            return builder.frame
        case .ping:
            return LinkFrame(verb: "PING", sequence: sequence)
        case .run(let request):
            var builder = LinkFrameBuilder(verb: "RUN", sequence: sequence)
            builder.add("input", text: request.input)
            builder.add("tokens", UInt64(request.tokens))
            builder.add("iters", UInt64(request.iterations))
            builder.add("warmup", UInt64(request.warmup))
            return builder.frame
        case .abort:
            return LinkFrame(verb: "ABORT", sequence: sequence)
        case .serve(let state):
            var builder = LinkFrameBuilder(verb: "SERVE", sequence: sequence)
            builder.add("state", text: state.rawValue)
            return builder.frame
        }
    }
}

/// Constants of EdgeProf Link v1.
public enum LinkProtocol {
    public static let version = 1
    public static let name = "edgeprof-link-v1"
}
