import Crypto

/// What a measurement is evidence for: this artifact, on this board, with this firmware, over
/// this protocol. Runs that share a key measured the same thing.
public struct EvidenceKey: Sendable, Hashable, Codable, CustomStringConvertible {
    public var artifactSHA256: String
    public var board: String
    public var serial: String
    public var firmwareBuild: String
    public var protocolName: String

    public init(artifactSHA256: String, board: String, serial: String, firmwareBuild: String, protocolName: String) {
        self.artifactSHA256 = artifactSHA256
        self.board = board
        self.serial = serial
        self.firmwareBuild = firmwareBuild
        self.protocolName = protocolName
    }

    /// SHA-256 of the canonical form, in hex: the key's stable identity.
    public var id: String {
        let canonical = [
            "artifact=\(artifactSHA256)", "board=\(board)", "serial=\(serial)", "build=\(firmwareBuild)",
            "protocol=\(protocolName)",
        ].joined(separator: "\n")
        return SHA256.hash(data: Array(canonical.utf8)).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// The first 12 hex digits of `id`, as reports show it.
    public var shortID: String { String(id.prefix(12)) }

    public var description: String {
        "\(artifactSHA256.prefix(12))… × \(board):\(serial) × fw \(firmwareBuild) × \(protocolName)"
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
