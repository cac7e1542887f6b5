/// The raw capture file `edgeprof power record --raw` writes and `power analyze` reads:
/// one JSON header line, then the PPK2's sample bytes exactly as received (docs/power.md).
public struct PowerCaptureHeader: Sendable, Codable, Hashable {
    public static let formatName = "edgeprof-ppk2-raw"
    public static let currentVersion = 1

    public var format = formatName
    public var version = currentVersion
    public var volts: Double
    public var metadata: PPK2Metadata
    public var markChannel: Int?

    public init(volts: Double, metadata: PPK2Metadata, markChannel: Int?) {
        self.volts = volts
        self.metadata = metadata
        self.markChannel = markChannel
    }
}
