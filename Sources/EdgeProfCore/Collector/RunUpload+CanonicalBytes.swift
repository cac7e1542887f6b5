import Foundation

/// An upload's canonical JSON written directly, member by member in JSONEncoder's sorted order:
/// the same bytes as `JSONCoding.encoder` and `CanonicalJSONEncoder` (stored runs' content digests
/// were taken over them; `RunUploadCanonicalBytesTests` holds the three together), without
/// Encodable's containers: the one-pass decoding's other half.
extension RunUpload {
    var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024 + run.iterations.count * 64 + run.iterations.reduce(0) { $0 + $1.tokenTicks.count } * 12)
        write(to: &out)
        return out
    }

    func write(to out: inout [UInt8]) {
        var object = CanonicalObject()
        object.key("artifactSHA256", &out).string(artifactSHA256, &out)
        object.key("bench", &out).string(bench, &out)
        object.key("context", &out)
        context.write(to: &out)
        object.key("idempotencyKey", &out).string(idempotencyKey, &out)
        object.key("model", &out).string(model, &out)
        object.key("run", &out)
        run.write(to: &out)
        object.close(&out)
    }
}

extension RunContext {
    func write(to out: inout [UInt8]) {
        var object = CanonicalObject()
        object.key("deviceClass", &out).string(deviceClass, &out)
        object.key("finishedAt", &out).string(JSONCoding.dateText(finishedAt), &out)
        if let place { object.key("place", &out).string(place, &out) }
        object.key("port", &out).string(port, &out)
        object.key("startedAt", &out).string(JSONCoding.dateText(startedAt), &out)
        if let wiring { object.key("wiring", &out).string(wiring, &out) }
        object.close(&out)
    }
}

extension RecordedRun {
    func write(to out: inout [UInt8]) {
        var object = CanonicalObject()
        object.key("board", &out)
        board.write(to: &out)
        object.key("discardedIterations", &out).signed(discardedIterations, &out)
        if let energyNote { object.key("energyNote", &out).string(energyNote, &out) }
        if let energySource { object.key("energySource", &out).string(energySource, &out) }
        if let firmwareSize {
            object.key("firmwareSize", &out)
            firmwareSize.write(to: &out)
        }
        object.key("iterations", &out)
        CanonicalObject.array(iterations, &out) { $0.write(to: &$1) }
        object.key("link", &out)
        link.write(to: &out)
        object.key("model", &out)
        model.write(to: &out)
        if let partialReason { object.key("partialReason", &out).string(partialReason, &out) }
        object.key("request", &out)
        request.write(to: &out)
        if let shadow {
            object.key("shadow", &out)
            shadow.write(to: &out)
        }
        object.key("status", &out).string(status.rawValue, &out)
        if let totals {
            object.key("totals", &out)
            totals.write(to: &out)
        }
        object.key("warmupIterations", &out).signed(warmupIterations, &out)
        object.close(&out)
    }
}

extension RecordedIteration {
    func write(to out: inout [UInt8]) {
        var object = CanonicalObject()
        object.key("endTicks", &out).unsigned(endTicks, &out)
        if let energyNanojoules { object.key("energyNanojoules", &out).unsigned(energyNanojoules, &out) }
        object.key("index", &out).unsigned(UInt64(index), &out)
        if let inferences { object.key("inferences", &out).unsigned(UInt64(inferences), &out) }
        object.key("startTicks", &out).unsigned(startTicks, &out)
        object.key("tokenTicks", &out)
        CanonicalObject.array(tokenTicks, &out) { CanonicalJSONNode.writeDigits($0, to: &$1) }
        object.close(&out)
    }
}

extension RunRequest {
    func write(to out: inout [UInt8]) {
        var object = CanonicalObject()
        object.key("input", &out).string(input, &out)
        object.key("iterations", &out).unsigned(UInt64(iterations), &out)
        object.key("tokens", &out).unsigned(UInt64(tokens), &out)
        object.key("warmup", &out).unsigned(UInt64(warmup), &out)
        object.close(&out)
    }
}

extension BoardInfo {
    func write(to out: inout [UInt8]) {
        var object = CanonicalObject()
        object.key("board", &out).string(board, &out)
        object.key("capabilities", &out)
        CanonicalObject.array(capabilities, &out) { CanonicalJSONNode.writeString($0, to: &$1) }
        object.key("clockHz", &out).unsigned(clockHz, &out)
        if let deviceClass { object.key("deviceClass", &out).string(deviceClass, &out) }
        object.key("firmwareBuild", &out).string(firmwareBuild, &out)
        object.key("firmwareVersion", &out).string(firmwareVersion, &out)
        object.key("flashBytes", &out).unsigned(flashBytes, &out)
        object.key("protocolVersion", &out).signed(protocolVersion, &out)
        object.key("ramBytes", &out).unsigned(ramBytes, &out)
        object.key("serial", &out).string(serial, &out)
        if let servingState { object.key("servingState", &out).string(servingState.rawValue, &out) }
        if let shadowModel {
            object.key("shadowModel", &out)
            shadowModel.write(to: &out)
        }
        object.key("tickHz", &out).unsigned(tickHz, &out)
        if let wireProtocol { object.key("wireProtocol", &out).string(wireProtocol, &out) }
        object.close(&out)
    }
}

extension BoardModelInfo {
    func write(to out: inout [UInt8]) {
        var object = CanonicalObject()
        object.key("artifactSHA256", &out).string(artifactSHA256, &out)
        object.key("model", &out).string(model, &out)
        object.key("quantization", &out).string(quantization, &out)
        object.close(&out)
    }
}

extension RunTotals {
    func write(to out: inout [UInt8]) {
        var object = CanonicalObject()
        object.key("aborted", &out).bool(aborted, &out)
        if let arenaHighWaterBytes { object.key("arenaHighWaterBytes", &out).unsigned(arenaHighWaterBytes, &out) }
        if let energyNanojoules { object.key("energyNanojoules", &out).unsigned(energyNanojoules, &out) }
        if let heapHighWaterBytes { object.key("heapHighWaterBytes", &out).unsigned(heapHighWaterBytes, &out) }
        object.key("iterations", &out).unsigned(UInt64(iterations), &out)
        if let ramPeakBytes { object.key("ramPeakBytes", &out).unsigned(ramPeakBytes, &out) }
        if let shadowIterations { object.key("shadowIterations", &out).unsigned(UInt64(shadowIterations), &out) }
        if let stackPeakBytes { object.key("stackPeakBytes", &out).unsigned(stackPeakBytes, &out) }
        object.key("tokens", &out).unsigned(tokens, &out)
        object.close(&out)
    }
}

extension LinkStatistics {
    func write(to out: inout [UInt8]) {
        var object = CanonicalObject()
        object.key("crcErrors", &out).signed(crcErrors, &out)
        object.key("linesReceived", &out).signed(linesReceived, &out)
        object.key("lostLines", &out).signed(lostLines, &out)
        object.key("malformedMessages", &out).signed(malformedMessages, &out)
        object.key("overlongLines", &out).signed(overlongLines, &out)
        object.key("syntaxErrors", &out).signed(syntaxErrors, &out)
        object.key("unknownVerbs", &out).signed(unknownVerbs, &out)
        object.close(&out)
    }
}

extension FirmwareSize {
    func write(to out: inout [UInt8]) {
        var object = CanonicalObject()
        object.key("bss", &out).unsigned(bss, &out)
        object.key("data", &out).unsigned(data, &out)
        object.key("heapReservation", &out).unsigned(heapReservation, &out)
        object.key("stackReservation", &out).unsigned(stackReservation, &out)
        object.key("text", &out).unsigned(text, &out)
        object.close(&out)
    }
}

extension ShadowRecording {
    func write(to out: inout [UInt8]) {
        var object = CanonicalObject()
        object.key("discardedIterations", &out).signed(discardedIterations, &out)
        object.key("iterations", &out)
        CanonicalObject.array(iterations, &out) { $0.write(to: &$1) }
        object.key("model", &out)
        model.write(to: &out)
        object.close(&out)
    }
}

extension ShadowIteration {
    func write(to out: inout [UInt8]) {
        var object = CanonicalObject()
        object.key("endTicks", &out).unsigned(endTicks, &out)
        if let energyNanojoules { object.key("energyNanojoules", &out).unsigned(energyNanojoules, &out) }
        object.key("index", &out).unsigned(UInt64(index), &out)
        if let matchingTokens { object.key("matchingTokens", &out).signed(matchingTokens, &out) }
        object.key("servingTokens", &out).signed(servingTokens, &out)
        object.key("startTicks", &out).unsigned(startTicks, &out)
        if let tokenIDs {
            object.key("tokenIDs", &out)
            CanonicalObject.array(tokenIDs, &out) { CanonicalJSONNode.writeDigits($0, to: &$1) }
        }
        object.key("tokenTicks", &out)
        CanonicalObject.array(tokenTicks, &out) { CanonicalJSONNode.writeDigits($0, to: &$1) }
        object.close(&out)
    }
}

/// Writes one object's members, each after its key, with the commas between them.
private struct CanonicalObject {
    private var empty = true

    /// Writes `"name":`, after `{` or `,`; then the member's value follows.
    @discardableResult
    mutating func key(_ name: StaticString, _ out: inout [UInt8]) -> ValueWriter {
        out.append(empty ? UInt8(ascii: "{") : UInt8(ascii: ","))
        empty = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        return ValueWriter()
    }

    func close(_ out: inout [UInt8]) {
        if empty { out.append(UInt8(ascii: "{")) }
        out.append(UInt8(ascii: "}"))
    }

    static func array<Element>(_ elements: [Element], _ out: inout [UInt8], _ write: (Element, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            write(element, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A member's value, as JSONEncoder writes it.
    struct ValueWriter {
        func string(_ text: String, _ out: inout [UInt8]) {
            CanonicalJSONNode.writeString(text, to: &out)
        }

        func unsigned(_ number: UInt64, _ out: inout [UInt8]) {
            CanonicalJSONNode.writeDigits(number, to: &out)
        }

        func signed(_ number: Int, _ out: inout [UInt8]) {
            if number < 0 { out.append(UInt8(ascii: "-")) }
            CanonicalJSONNode.writeDigits(UInt64(truncatingIfNeeded: number.magnitude), to: &out)
        }

        func bool(_ flag: Bool, _ out: inout [UInt8]) {
            out.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        }
    }
}
