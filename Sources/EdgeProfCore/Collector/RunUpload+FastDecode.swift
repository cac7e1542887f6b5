import Foundation

/// The upload's one-pass decoding (issue 18: the strict check was a fifth of the collector's CPU).
/// It reads a document whose every key is one the types have, each once, with plain values
/// (`JSONPullScanner`), straight into a `RunUpload`, as the synthesized `Decodable` conformances
/// would: required keys must be there, optional ones may be missing or null. Anything else (an
/// unknown or repeated key, an escape, a number with a fraction, a null where a value is needed)
/// declines, and `StrictJSON` decodes the document the general way, which decides it.
extension RunUpload {
    /// The upload in `data`, or nil when the general path must decide.
    static func fastDecode(_ data: Data) -> RunUpload? {
        data.withUnsafeBytes { raw in
            var scanner = JSONPullScanner(raw.bindMemory(to: UInt8.self))
            guard let upload = fastDecode(&scanner), scanner.atEnd() else { return nil }
            return upload
        }
    }

    static func fastDecode(_ s: inout JSONPullScanner) -> RunUpload? {
        var key = Member<String>(), bench = Member<String>(), model = Member<String>(), artifact = Member<String>()
        var context = Member<RunContext>(), run = Member<RecordedRun>()
        guard s.object({ s, name in
            if name.is("idempotencyKey") { return key.read(s.string()) }
            if name.is("bench") { return bench.read(s.string()) }
            if name.is("model") { return model.read(s.string()) }
            if name.is("artifactSHA256") { return artifact.read(s.string()) }
            if name.is("context") { return context.read(RunContext.fastDecode(&s)) }
            if name.is("run") { return run.read(RecordedRun.fastDecode(&s)) }
            return false
        }), let key = key.value, let bench = bench.value, let model = model.value, let artifact = artifact.value,
            let context = context.value, let run = run.value
        else { return nil }
        return RunUpload(idempotencyKey: key, bench: bench, model: model, artifactSHA256: artifact, context: context, run: run)
    }
}

extension RunContext {
    static func fastDecode(_ s: inout JSONPullScanner) -> RunContext? {
        var deviceClass = Member<String>(), port = Member<String>(), startedAt = Member<Date>(), finishedAt = Member<Date>()
        var place = OptionalMember<String>(), wiring = OptionalMember<String>()
        guard s.object({ s, name in
            if name.is("deviceClass") { return deviceClass.read(s.string()) }
            if name.is("port") { return port.read(s.string()) }
            if name.is("startedAt") { return startedAt.read(s.string().flatMap(JSONCoding.date(from:))) }
            if name.is("finishedAt") { return finishedAt.read(s.string().flatMap(JSONCoding.date(from:))) }
            if name.is("place") { return place.read(s.nullable { $0.string() }) }
            if name.is("wiring") { return wiring.read(s.nullable { $0.string() }) }
            return false
        }), let deviceClass = deviceClass.value, let port = port.value, let startedAt = startedAt.value, let finishedAt = finishedAt.value
        else { return nil }
        return RunContext(deviceClass: deviceClass, port: port, startedAt: startedAt, finishedAt: finishedAt, place: place.value, wiring: wiring.value)
    }
}

extension RecordedRun {
    static func fastDecode(_ s: inout JSONPullScanner) -> RecordedRun? {
        var request = Member<RunRequest>(), board = Member<BoardInfo>(), model = Member<BoardModelInfo>()
        var iterations = Member<[RecordedIteration]>(), warmup = Member<Int>(), discarded = Member<Int>()
        var totals = OptionalMember<RunTotals>(), status = Member<RunStatus>(), reason = OptionalMember<String>()
        var link = Member<LinkStatistics>(), energySource = OptionalMember<String>(), energyNote = OptionalMember<String>()
        var firmware = OptionalMember<FirmwareSize>(), shadow = OptionalMember<ShadowRecording>()
        guard s.object({ s, name in
            if name.is("iterations") { return iterations.read(s.array(RecordedIteration.fastDecode)) }
            if name.is("request") { return request.read(RunRequest.fastDecode(&s)) }
            if name.is("board") { return board.read(BoardInfo.fastDecode(&s)) }
            if name.is("model") { return model.read(BoardModelInfo.fastDecode(&s)) }
            if name.is("warmupIterations") { return warmup.read(s.int()) }
            if name.is("discardedIterations") { return discarded.read(s.int()) }
            if name.is("totals") { return totals.read(s.nullable(RunTotals.fastDecode)) }
            if name.is("status") { return status.read(s.string().flatMap(RunStatus.init(rawValue:))) }
            if name.is("partialReason") { return reason.read(s.nullable { $0.string() }) }
            if name.is("link") { return link.read(LinkStatistics.fastDecode(&s)) }
            if name.is("energySource") { return energySource.read(s.nullable { $0.string() }) }
            if name.is("energyNote") { return energyNote.read(s.nullable { $0.string() }) }
            if name.is("firmwareSize") { return firmware.read(s.nullable(FirmwareSize.fastDecode)) }
            if name.is("shadow") { return shadow.read(s.nullable(ShadowRecording.fastDecode)) }
            return false
        }), let request = request.value, let board = board.value, let model = model.value, let iterations = iterations.value,
            let warmup = warmup.value, let discarded = discarded.value, let status = status.value, let link = link.value
        else { return nil }
        return RecordedRun(
            request: request, board: board, model: model, iterations: iterations, warmupIterations: warmup, discardedIterations: discarded,
            totals: totals.value, status: status, partialReason: reason.value, link: link, energySource: energySource.value,
            energyNote: energyNote.value, firmwareSize: firmware.value, shadow: shadow.value)
    }
}

extension RecordedIteration {
    static func fastDecode(_ s: inout JSONPullScanner) -> RecordedIteration? {
        var index = Member<UInt32>(), start = Member<UInt64>(), end = Member<UInt64>(), ticks = Member<[UInt64]>()
        var energy = OptionalMember<UInt64>(), inferences = OptionalMember<UInt32>()
        guard s.object({ s, name in
            if name.is("tokenTicks") { return ticks.read(s.array { $0.unsigned() }) }
            if name.is("index") { return index.read(s.u32()) }
            if name.is("startTicks") { return start.read(s.unsigned()) }
            if name.is("endTicks") { return end.read(s.unsigned()) }
            if name.is("energyNanojoules") { return energy.read(s.nullable { $0.unsigned() }) }
            if name.is("inferences") { return inferences.read(s.nullable { $0.u32() }) }
            return false
        }), let index = index.value, let start = start.value, let end = end.value, let ticks = ticks.value
        else { return nil }
        return RecordedIteration(index: index, startTicks: start, endTicks: end, tokenTicks: ticks, energyNanojoules: energy.value, inferences: inferences.value)
    }
}

extension RunRequest {
    static func fastDecode(_ s: inout JSONPullScanner) -> RunRequest? {
        var input = Member<String>(), tokens = Member<UInt32>(), iterations = Member<UInt32>(), warmup = Member<UInt32>()
        guard s.object({ s, name in
            if name.is("input") { return input.read(s.string()) }
            if name.is("tokens") { return tokens.read(s.u32()) }
            if name.is("iterations") { return iterations.read(s.u32()) }
            if name.is("warmup") { return warmup.read(s.u32()) }
            return false
        }), let input = input.value, let tokens = tokens.value, let iterations = iterations.value, let warmup = warmup.value
        else { return nil }
        return RunRequest(input: input, tokens: tokens, iterations: iterations, warmup: warmup)
    }
}

extension BoardInfo {
    static func fastDecode(_ s: inout JSONPullScanner) -> BoardInfo? {
        var version = Member<Int>(), board = Member<String>(), serial = Member<String>(), firmware = Member<String>(), build = Member<String>()
        var clock = Member<UInt64>(), tick = Member<UInt64>(), ram = Member<UInt64>(), flash = Member<UInt64>(), capabilities = Member<[String]>()
        var deviceClass = OptionalMember<String>(), wire = OptionalMember<String>(), serving = OptionalMember<ServingState>()
        var shadow = OptionalMember<BoardModelInfo>()
        guard s.object({ s, name in
            if name.is("protocolVersion") { return version.read(s.int()) }
            if name.is("board") { return board.read(s.string()) }
            if name.is("serial") { return serial.read(s.string()) }
            if name.is("firmwareVersion") { return firmware.read(s.string()) }
            if name.is("firmwareBuild") { return build.read(s.string()) }
            if name.is("clockHz") { return clock.read(s.unsigned()) }
            if name.is("tickHz") { return tick.read(s.unsigned()) }
            if name.is("ramBytes") { return ram.read(s.unsigned()) }
            if name.is("flashBytes") { return flash.read(s.unsigned()) }
            if name.is("capabilities") { return capabilities.read(s.array { $0.string() }) }
            if name.is("deviceClass") { return deviceClass.read(s.nullable { $0.string() }) }
            if name.is("wireProtocol") { return wire.read(s.nullable { $0.string() }) }
            if name.is("servingState") { return serving.read(s.nullable { $0.string().flatMap(ServingState.init(rawValue:)) }) }
            if name.is("shadowModel") { return shadow.read(s.nullable(BoardModelInfo.fastDecode)) }
            return false
        }), let version = version.value, let board = board.value, let serial = serial.value, let firmware = firmware.value,
            let build = build.value, let clock = clock.value, let tick = tick.value, let ram = ram.value, let flash = flash.value,
            let capabilities = capabilities.value
        else { return nil }
        var info = BoardInfo(
            protocolVersion: version, board: board, serial: serial, firmwareVersion: firmware, firmwareBuild: build, clockHz: clock,
            tickHz: tick, ramBytes: ram, flashBytes: flash, capabilities: capabilities, deviceClass: deviceClass.value)
        info.wireProtocol = wire.value
        info.servingState = serving.value
        info.shadowModel = shadow.value
        return info
    }
}

extension BoardModelInfo {
    static func fastDecode(_ s: inout JSONPullScanner) -> BoardModelInfo? {
        var model = Member<String>(), artifact = Member<String>(), quantization = Member<String>()
        guard s.object({ s, name in
            if name.is("model") { return model.read(s.string()) }
            if name.is("artifactSHA256") { return artifact.read(s.string()) }
            if name.is("quantization") { return quantization.read(s.string()) }
            return false
        }), let model = model.value, let artifact = artifact.value, let quantization = quantization.value
        else { return nil }
        return BoardModelInfo(model: model, artifactSHA256: artifact, quantization: quantization)
    }
}

extension RunTotals {
    static func fastDecode(_ s: inout JSONPullScanner) -> RunTotals? {
        var aborted = Member<Bool>(), iterations = Member<UInt32>(), tokens = Member<UInt64>()
        var stack = OptionalMember<UInt64>(), arena = OptionalMember<UInt64>(), heap = OptionalMember<UInt64>()
        var ram = OptionalMember<UInt64>(), energy = OptionalMember<UInt64>(), shadow = OptionalMember<UInt32>()
        guard s.object({ s, name in
            if name.is("aborted") { return aborted.read(s.bool()) }
            if name.is("iterations") { return iterations.read(s.u32()) }
            if name.is("tokens") { return tokens.read(s.unsigned()) }
            if name.is("stackPeakBytes") { return stack.read(s.nullable { $0.unsigned() }) }
            if name.is("arenaHighWaterBytes") { return arena.read(s.nullable { $0.unsigned() }) }
            if name.is("heapHighWaterBytes") { return heap.read(s.nullable { $0.unsigned() }) }
            if name.is("ramPeakBytes") { return ram.read(s.nullable { $0.unsigned() }) }
            if name.is("energyNanojoules") { return energy.read(s.nullable { $0.unsigned() }) }
            if name.is("shadowIterations") { return shadow.read(s.nullable { $0.u32() }) }
            return false
        }), let aborted = aborted.value, let iterations = iterations.value, let tokens = tokens.value
        else { return nil }
        return RunTotals(
            aborted: aborted, iterations: iterations, tokens: tokens, stackPeakBytes: stack.value, arenaHighWaterBytes: arena.value,
            heapHighWaterBytes: heap.value, ramPeakBytes: ram.value, energyNanojoules: energy.value, shadowIterations: shadow.value)
    }
}

extension LinkStatistics {
    static func fastDecode(_ s: inout JSONPullScanner) -> LinkStatistics? {
        var received = Member<Int>(), crc = Member<Int>(), syntax = Member<Int>(), overlong = Member<Int>()
        var malformed = Member<Int>(), lost = Member<Int>(), unknown = Member<Int>()
        guard s.object({ s, name in
            if name.is("linesReceived") { return received.read(s.int()) }
            if name.is("crcErrors") { return crc.read(s.int()) }
            if name.is("syntaxErrors") { return syntax.read(s.int()) }
            if name.is("overlongLines") { return overlong.read(s.int()) }
            if name.is("malformedMessages") { return malformed.read(s.int()) }
            if name.is("lostLines") { return lost.read(s.int()) }
            if name.is("unknownVerbs") { return unknown.read(s.int()) }
            return false
        }), let received = received.value, let crc = crc.value, let syntax = syntax.value, let overlong = overlong.value,
            let malformed = malformed.value, let lost = lost.value, let unknown = unknown.value
        else { return nil }
        var link = LinkStatistics()
        link.linesReceived = received
        link.crcErrors = crc
        link.syntaxErrors = syntax
        link.overlongLines = overlong
        link.malformedMessages = malformed
        link.lostLines = lost
        link.unknownVerbs = unknown
        return link
    }
}

extension FirmwareSize {
    static func fastDecode(_ s: inout JSONPullScanner) -> FirmwareSize? {
        var text = Member<UInt64>(), data = Member<UInt64>(), bss = Member<UInt64>(), stack = Member<UInt64>(), heap = Member<UInt64>()
        guard s.object({ s, name in
            if name.is("text") { return text.read(s.unsigned()) }
            if name.is("data") { return data.read(s.unsigned()) }
            if name.is("bss") { return bss.read(s.unsigned()) }
            if name.is("stackReservation") { return stack.read(s.unsigned()) }
            if name.is("heapReservation") { return heap.read(s.unsigned()) }
            return false
        }), let text = text.value, let data = data.value, let bss = bss.value, let stack = stack.value, let heap = heap.value
        else { return nil }
        return FirmwareSize(text: text, data: data, bss: bss, stackReservation: stack, heapReservation: heap)
    }
}

extension ShadowRecording {
    static func fastDecode(_ s: inout JSONPullScanner) -> ShadowRecording? {
        var model = Member<BoardModelInfo>(), iterations = Member<[ShadowIteration]>(), discarded = Member<Int>()
        guard s.object({ s, name in
            if name.is("model") { return model.read(BoardModelInfo.fastDecode(&s)) }
            if name.is("iterations") { return iterations.read(s.array(ShadowIteration.fastDecode)) }
            if name.is("discardedIterations") { return discarded.read(s.int()) }
            return false
        }), let model = model.value, let iterations = iterations.value, let discarded = discarded.value
        else { return nil }
        return ShadowRecording(model: model, iterations: iterations, discardedIterations: discarded)
    }
}

extension ShadowIteration {
    static func fastDecode(_ s: inout JSONPullScanner) -> ShadowIteration? {
        var index = Member<UInt32>(), start = Member<UInt64>(), end = Member<UInt64>(), ticks = Member<[UInt64]>()
        var ids = OptionalMember<[UInt64]>(), matching = OptionalMember<Int>(), serving = Member<Int>(), energy = OptionalMember<UInt64>()
        guard s.object({ s, name in
            if name.is("tokenTicks") { return ticks.read(s.array { $0.unsigned() }) }
            if name.is("index") { return index.read(s.u32()) }
            if name.is("startTicks") { return start.read(s.unsigned()) }
            if name.is("endTicks") { return end.read(s.unsigned()) }
            if name.is("tokenIDs") { return ids.read(s.nullable { $0.array { $0.unsigned() } }) }
            if name.is("matchingTokens") { return matching.read(s.nullable { $0.int() }) }
            if name.is("servingTokens") { return serving.read(s.int()) }
            if name.is("energyNanojoules") { return energy.read(s.nullable { $0.unsigned() }) }
            return false
        }), let index = index.value, let start = start.value, let end = end.value, let ticks = ticks.value, let serving = serving.value
        else { return nil }
        return ShadowIteration(
            index: index, startTicks: start, endTicks: end, tokenTicks: ticks, tokenIDs: ids.value, matchingTokens: matching.value,
            servingTokens: serving, energyNanojoules: energy.value)
    }
}

extension FirmwareSize {
    /// The sizes as they were stored (the fast decoding path; `init(_:)` computes them from an image).
    init(text: UInt64, data: UInt64, bss: UInt64, stackReservation: UInt64, heapReservation: UInt64) {
        self.text = text
        self.data = data
        self.bss = bss
        self.stackReservation = stackReservation
        self.heapReservation = heapReservation
    }
}

extension JSONPullScanner {
    mutating func u32() -> UInt32? {
        unsigned().flatMap { UInt32(exactly: $0) }
    }

    mutating func int() -> Int? {
        signed().flatMap { Int(exactly: $0) }
    }
}

/// A required member, read once: its key a second time declines the object.
private struct Member<Value> {
    private(set) var value: Value?

    mutating func read(_ read: Value?) -> Bool {
        guard value == nil, let read else { return false }
        value = read
        return true
    }
}

/// An optional member: missing and `null` both leave it nil; its key a second time declines.
private struct OptionalMember<Value> {
    private(set) var value: Value?
    private var seen = false

    mutating func read(_ read: Value??) -> Bool {
        guard !seen, let read else { return false }
        seen = true
        value = read
        return true
    }
}
