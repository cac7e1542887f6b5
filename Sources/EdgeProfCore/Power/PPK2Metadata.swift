import Foundation

/// The PPK2's calibration, from its metadata reply (command 0x19): `Key: value` lines ended by
/// `END`. Keys R0–R4 (range resistors, Ω), GS/GI (gain slope/intercept), O (ADC offset),
/// S/I (VDD slope/intercept), UG (user gain), per range 0–4; plus Calibrated, HW, IA.
///
/// Like Nordic's app, a value that is missing, `-nan` or 0 falls back to the default, so
/// figures agree with what users see in nRF Connect Power Profiler.
public struct PPK2Metadata: Sendable, Hashable, Codable {
    public static let defaultResistors = [1031.64, 101.65, 10.15, 0.94, 0.043]

    public var r = defaultResistors
    public var gs = [Double](repeating: 1, count: 5)
    public var gi = [Double](repeating: 1, count: 5)
    public var o = [Double](repeating: 0, count: 5)
    public var s = [Double](repeating: 0, count: 5)
    public var i = [Double](repeating: 0, count: 5)
    public var ug = [Double](repeating: 1, count: 5)
    /// Whether the unit carries factory calibration (`Calibrated: 1`).
    public var calibrated = false
    public var hardware: String?
    /// Keys whose value fell back to the default, and why, so reports can say so.
    public var fallbacks: [String] = []

    public init() {}

    /// Parses the metadata text; the error says what is wrong when it is not metadata at all.
    public init(text: String) throws(PowerError) {
        guard let end = text.range(of: "END") else {
            throw .malformedMetadata("no END line in \(text.count) bytes of metadata; the PPK2 did not finish answering (replug it)")
        }
        var values: [String: String] = [:]
        for line in text[..<end.lowerBound].split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            values[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard !values.isEmpty else { throw .malformedMetadata("metadata has no `Key: value` lines") }
        self.init()
        calibrated = values["calibrated"].flatMap(Int.init) == 1
        hardware = values["hw"]
        for range in 0..<5 {
            r[range] = value("r\(range)", default: r[range], values)
            gs[range] = value("gs\(range)", default: gs[range], values)
            gi[range] = value("gi\(range)", default: gi[range], values)
            o[range] = value("o\(range)", default: o[range], values)
            s[range] = value("s\(range)", default: s[range], values)
            i[range] = value("i\(range)", default: i[range], values)
            ug[range] = value("ug\(range)", default: ug[range], values)
        }
    }

    private mutating func value(_ key: String, default fallback: Double, _ values: [String: String]) -> Double {
        guard let text = values[key] else {
            fallbacks.append("\(key.uppercased()) missing")
            return fallback
        }
        guard let number = Double(text), number.isFinite else {
            fallbacks.append("\(key.uppercased()) is '\(text)'")
            return fallback
        }
        guard number != 0 else {
            // Nordic's app treats 0 as "not calibrated": name it when the default differs.
            if fallback != 0 { fallbacks.append("\(key.uppercased()) is 0") }
            return fallback
        }
        return number
    }

    /// The metadata text a PPK2 with these values sends (for the simulated PPK2).
    public func text(vddMillivolts: Int) -> String {
        var lines = ["Calibrated: \(calibrated ? 1 : 0)"]
        for (name, array) in [("R", r), ("GS", gs), ("GI", gi), ("O", o), ("S", s), ("I", i), ("UG", ug)] {
            for range in 0..<5 { lines.append("\(name)\(range): \(array[range])") }
        }
        lines.append("VDD: \(vddMillivolts)")
        lines.append("HW: \(hardware ?? "0")")
        lines.append("IA: 0")
        return lines.joined(separator: "\n") + "\nEND\n"
    }
}

/// Power measurement failures, each with what to do.
public enum PowerError: Error, Sendable, Hashable, CustomStringConvertible {
    case malformedMetadata(String)
    case noSamples(String)

    public var description: String {
        switch self {
        case .malformedMetadata(let detail): "PPK2 metadata unusable: \(detail)"
        case .noSamples(let detail): "no power samples: \(detail)"
        }
    }
}
