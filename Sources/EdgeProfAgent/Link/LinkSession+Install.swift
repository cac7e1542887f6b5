import EdgeProfCore
import EdgeProfHardware

extension LinkSession {
    /// Installs `artifact` on the board (Link v1 `LOAD`, `DATA`, `COMMIT`; boards with the
    /// `install` capability) and returns the model it then announces. Each `DATA` waits for its
    /// `ACK`, which names the offset the board expects next, so a lost or corrupted line is
    /// sent again from there. The board checks the SHA-256 itself and keeps its model when the
    /// bytes do not match (`ERROR code=digest`) or it cannot run them (`code=model`); both are thrown.
    /// With `slot: .shadow` (boards with the `shadow` capability) the artifact becomes the shadow
    /// model instead, and the board keeps serving what it served; the shadow it then runs is returned.
    public func install(
        artifact: [UInt8], sha256: String, model: String, quantization: String, slot: InstallSlot = .serve
    ) throws(AgentError) -> BoardModelInfo {
        guard !artifact.isEmpty, let size = UInt32(exactly: artifact.count) else {
            throw .invalidArgument("an artifact of \(artifact.count) bytes cannot be installed over Link v1 (1 to 4294967295 bytes)")
        }
        var offset = try expectAcknowledgement(of: .load(size: size, sha256: sha256, model: model, quantization: quantization, slot: slot))
        var resends = 0
        while offset < size {
            let end = min(Int(offset) + LinkProtocol.maximumChunk, artifact.count)
            let next = try expectAcknowledgement(of: .data(offset: offset, bytes: artifact[Int(offset)..<end]))
            if next <= offset {
                resends += 1
                guard resends <= Self.installResendLimit else {
                    throw .rejected(port: transport.portName, code: "stalled", message: "the board stopped taking bytes at offset \(offset) of \(size)")
                }
            }
            offset = next
        }
        let commit = try send(.commit)
        let deadline = ContinuousClock.now + timeouts.install
        while let event = try read(before: deadline) {
            switch event.message {
            case .model(commit, let announced)? where slot == .serve: return announced
            case .shadow(commit, let announced?)? where slot == .shadow: return announced
            case .error(commit, let code, let message)?: throw .rejected(port: transport.portName, code: code, message: message)
            default: continue
            }
        }
        throw .noAnswer(port: transport.portName, attempts: 1, waited: timeouts.install, validLines: 0, droppedLines: 0, bytes: 0)
    }

    /// Drops the board's shadow model (Link v1 `UNLOAD slot=shadow`); it then runs only what it serves.
    public func unloadShadow() throws(AgentError) {
        let unload = try send(.unloadShadow)
        let deadline = ContinuousClock.now + timeouts.handshake
        while let event = try read(before: deadline) {
            switch event.message {
            case .shadow(unload, nil)?: return
            case .shadow(unload, let still?)?:
                throw .rejected(port: transport.portName, code: "shadow", message: "the board still announces shadow \(still.model) after UNLOAD")
            case .error(unload, let code, let message)?: throw .rejected(port: transport.portName, code: code, message: message)
            default: continue
            }
        }
        throw .noAnswer(port: transport.portName, attempts: 1, waited: timeouts.handshake, validLines: 0, droppedLines: 0, bytes: 0)
    }

    /// How many times in a row a DATA may be answered without progress before the install gives up.
    static let installResendLimit = 20

    /// Sends `command` and waits for its ACK (resending it once when the answer is lost); the offset it names.
    private func expectAcknowledgement(of command: HostCommand) throws(AgentError) -> UInt32 {
        for _ in 0..<2 {
            let sent = try send(command)
            let deadline = ContinuousClock.now + timeouts.install
            while let event = try read(before: deadline) {
                switch event.message {
                case .acknowledged(sent, let next)?: return next
                case .error(sent, let code, let message)?: throw .rejected(port: transport.portName, code: code, message: message)
                default: continue
                }
            }
        }
        throw .noAnswer(port: transport.portName, attempts: 2, waited: timeouts.install * 2, validLines: 0, droppedLines: 0, bytes: 0)
    }
}
