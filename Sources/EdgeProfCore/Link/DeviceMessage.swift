/// A message from a board, decoded from a checked frame.
public enum DeviceMessage: Sendable, Hashable {
    case ready(protocolVersion: Int, board: String, firmware: String)
    case info(replyTo: UInt16, BoardInfo)
    case model(replyTo: UInt16, BoardModelInfo)
    case pong(replyTo: UInt16, ticks: UInt64)
    case started(replyTo: UInt16, RunRequest)
    case iteration(index: UInt32, warmup: Bool, ticks: UInt64)
    case token(iteration: UInt32, index: UInt32, ticks: UInt64, tokenID: UInt64?)
    case done(iteration: UInt32, ticks: UInt64, tokens: UInt32, energyNanojoules: UInt64?)
    case result(replyTo: UInt16, RunTotals)
    case error(replyTo: UInt16?, code: String, message: String)
    /// The answer to SERVE: the serving state now.
    case state(replyTo: UInt16, ServingState)
    /// The answer to LOAD and DATA: the artifact offset the device expects next.
    case acknowledged(replyTo: UInt16, nextOffset: UInt32)
    /// The shadow model (handshake, COMMIT after LOAD slot=shadow, UNLOAD); nil when none is loaded.
    case shadow(replyTo: UInt16, BoardModelInfo?)
    /// The shadow model's run of iteration `index` begins at tick `ticks`.
    case shadowIteration(index: UInt32, ticks: UInt64)
    case shadowToken(iteration: UInt32, index: UInt32, ticks: UInt64, tokenID: UInt64?)
    case shadowDone(iteration: UInt32, ticks: UInt64, tokens: UInt32, energyNanojoules: UInt64?)
    /// A Link v1.1 compact record (REC): all or part of one iteration, serving or shadow (SPEC §7).
    case record(IterationRecord)
    /// A verb this host does not know: ignored (forward compatibility).
    case unknown(verb: String)
}

/// A frame whose verb is known but whose fields are missing or malformed.
public struct LinkMessageError: Error, Sendable, Hashable, CustomStringConvertible {
    public var verb: String
    public var key: String
    public var problem: String

    public var description: String { "\(verb) line: field '\(key)' \(problem)" }
}

extension DeviceMessage {
    /// Decodes a frame from a board. Unknown fields are ignored; unknown verbs become `.unknown`.
    public init(frame: LinkFrame) throws(LinkMessageError) {
        let fields = FieldReader(frame: frame)
        // The verbs of a run's stream first: a switch on strings compares them in order.
        switch frame.verb {
        case "REC":
            let iteration = try fields.u32("it")
            guard let blob = frame["d"] else { throw fields.error("d", "is missing") }
            do throws(IterationRecordError) {
                self = .record(try IterationRecordCodec.decode(iteration: iteration, blob: blob.utf8))
            } catch {
                throw fields.error("d", error.description)
            }
        case "TOK":
            self = .token(
                iteration: try fields.u32("it"), index: try fields.u32("i"), ticks: try fields.u64("t"),
                tokenID: try fields.optionalU64("id"))
        case "ITER":
            self = .iteration(index: try fields.u32("it"), warmup: try fields.u64("warm") != 0, ticks: try fields.u64("t"))
        case "DONE":
            self = .done(
                iteration: try fields.u32("it"), ticks: try fields.u64("t"), tokens: try fields.u32("tokens"),
                energyNanojoules: try fields.optionalU64("nj"))
        case "READY":
            self = .ready(
                protocolVersion: Int(try fields.u64("proto")), board: try fields.text("board"),
                firmware: try fields.text("fw"))
        case "INFO":
            self = .info(replyTo: try fields.u16("re"), try Self.boardInfo(fields))
        case "MODEL":
            self = .model(replyTo: try fields.u16("re"), try Self.modelInfo(fields))
        case "SHADOW":
            let replyTo = try fields.u16("re")
            self = .shadow(replyTo: replyTo, try fields.text("sha256") == "none" ? nil : try Self.modelInfo(fields))
        case "SITER":
            self = .shadowIteration(index: try fields.u32("it"), ticks: try fields.u64("t"))
        case "STOK":
            self = .shadowToken(
                iteration: try fields.u32("it"), index: try fields.u32("i"), ticks: try fields.u64("t"),
                tokenID: try fields.optionalU64("id"))
        case "SDONE":
            self = .shadowDone(
                iteration: try fields.u32("it"), ticks: try fields.u64("t"), tokens: try fields.u32("tokens"),
                energyNanojoules: try fields.optionalU64("nj"))
        case "PONG":
            self = .pong(replyTo: try fields.u16("re"), ticks: try fields.u64("t"))
        case "START":
            self = .started(
                replyTo: try fields.u16("re"),
                RunRequest(
                    input: try fields.optionalText("input") ?? "", tokens: try fields.u32("tokens"),
                    iterations: try fields.u32("iters"), warmup: try fields.u32("warmup")))
        case "RESULT":
            self = .result(replyTo: try fields.u16("re"), try Self.totals(fields))
        case "STATE":
            self = .state(replyTo: try fields.u16("re"), try Self.servingState(fields, required: true) ?? .serving)
        case "ACK":
            self = .acknowledged(replyTo: try fields.u16("re"), nextOffset: try fields.u32("off"))
        case "ERROR":
            self = .error(
                replyTo: try fields.optionalU64("re").map { UInt16(truncatingIfNeeded: $0) },
                code: try fields.text("code"), message: try fields.optionalText("msg") ?? "")
        default:
            self = .unknown(verb: frame.verb)
        }
    }

    /// `model= sha256= quant=` of a MODEL or SHADOW line.
    private static func modelInfo(_ fields: FieldReader) throws(LinkMessageError) -> BoardModelInfo {
        let digest = try fields.text("sha256").lowercased()
        guard digest.count == 64, LinkValue.bytes(fromHex: digest) != nil else {
            throw fields.error("sha256", "must be 64 hex digits")
        }
        return BoardModelInfo(model: try fields.text("model"), artifactSHA256: digest, quantization: try fields.text("quant"))
    }

    private static func boardInfo(_ fields: FieldReader) throws(LinkMessageError) -> BoardInfo {
        let tickHz = try fields.u64("tick_hz")
        guard tickHz > 0 else { throw fields.error("tick_hz", "must be greater than 0") }
        let caps = try fields.optionalText("caps") ?? ""
        var info = BoardInfo(
            protocolVersion: Int(try fields.u64("proto")), board: try fields.text("board"),
            serial: try fields.text("serial"), firmwareVersion: try fields.text("fw"),
            firmwareBuild: try fields.text("build"), clockHz: try fields.u64("clock_hz"), tickHz: tickHz,
            ramBytes: try fields.u64("ram"), flashBytes: try fields.u64("flash"),
            capabilities: caps.split(separator: ",").map(String.init), deviceClass: try fields.optionalText("class"))
        info.servingState = try servingState(fields, required: false)
        return info
    }

    private static func servingState(_ fields: FieldReader, required: Bool) throws(LinkMessageError) -> ServingState? {
        guard let text = required ? try fields.text("state") : try fields.optionalText("state") else { return nil }
        guard let state = ServingState(rawValue: text) else { throw fields.error("state", "must be serving or halted") }
        return state
    }

    private static func totals(_ fields: FieldReader) throws(LinkMessageError) -> RunTotals {
        let status = try fields.text("status")
        guard status == "ok" || status == "aborted" else { throw fields.error("status", "must be ok or aborted") }
        return RunTotals(
            aborted: status == "aborted", iterations: try fields.u32("iters"), tokens: try fields.u64("tokens"),
            stackPeakBytes: try fields.optionalU64("stack_peak"), arenaHighWaterBytes: try fields.optionalU64("arena_hw"),
            heapHighWaterBytes: try fields.optionalU64("heap_hw"), ramPeakBytes: try fields.optionalU64("ram_peak"),
            energyNanojoules: try fields.optionalU64("nj"), shadowIterations: try fields.optionalU32("shadow_iters"))
    }
}

/// Typed access to a frame's fields with errors that name the verb and key.
private struct FieldReader {
    let frame: LinkFrame

    func error(_ key: String, _ problem: String) -> LinkMessageError {
        LinkMessageError(verb: frame.verb, key: key, problem: problem)
    }

    func optionalU64(_ key: String) throws(LinkMessageError) -> UInt64? {
        guard let raw = frame[key] else { return nil }
        guard let value = LinkValue.decimal(raw) else { throw error(key, "is not a decimal number: '\(raw)'") }
        return value
    }

    func u64(_ key: String) throws(LinkMessageError) -> UInt64 {
        guard let value = try optionalU64(key) else { throw error(key, "is missing") }
        return value
    }

    func u32(_ key: String) throws(LinkMessageError) -> UInt32 {
        guard let value = try optionalU32(key) else { throw error(key, "is missing") }
        return value
    }

    func optionalU32(_ key: String) throws(LinkMessageError) -> UInt32? {
        guard let value = try optionalU64(key) else { return nil }
        guard let narrow = UInt32(exactly: value) else { throw error(key, "exceeds 4294967295") }
        return narrow
    }

    func u16(_ key: String) throws(LinkMessageError) -> UInt16 {
        let value = try u64(key)
        guard let narrow = UInt16(exactly: value) else { throw error(key, "exceeds 65535") }
        return narrow
    }

    func optionalText(_ key: String) throws(LinkMessageError) -> String? {
        guard let raw = frame[key] else { return nil }
        guard let text = LinkValue.decodeText(raw) else { throw error(key, "is not valid percent-encoded UTF-8") }
        return text
    }

    func text(_ key: String) throws(LinkMessageError) -> String {
        guard let value = try optionalText(key) else { throw error(key, "is missing") }
        return value
    }
}
