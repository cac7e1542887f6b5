import EdgeProfCore
import Foundation

/// Writes raw capture files: the JSON header line, then sample bytes as they arrive.
public enum PowerCaptureWriter {
    public static func open(_ path: String, header: PowerCaptureHeader) throws(AgentError) -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw .artifact(path: path, problem: "cannot be created: check that its directory exists and is writable")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let json = try? encoder.encode(header) else { throw .invalidArgument("cannot encode the capture header") }
        handle.write(json + Data([0x0A]))
        return handle
    }
}

/// Reads raw capture files back, streaming them through a `PowerAnalyzer` in 1 MiB chunks.
public enum PowerCaptureReader {
    public static func analyze(path: String, markChannel: Int?) throws(AgentError) -> PowerReport {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .artifact(path: path, problem: "no such capture file (power record --raw FILE writes one)")
        }
        defer { try? handle.close() }
        var headerBytes = Data()
        while headerBytes.count < 1 << 20 {
            guard let byte = try? handle.read(upToCount: 1), !byte.isEmpty else { break }
            if byte[0] == 0x0A { break }
            headerBytes.append(byte)
        }
        guard let header = try? JSONDecoder().decode(PowerCaptureHeader.self, from: headerBytes),
              header.format == PowerCaptureHeader.formatName
        else {
            throw .artifact(path: path, problem: "not an EdgeProf PPK2 capture (its first line must be the JSON header written by power record --raw)")
        }
        guard header.version == PowerCaptureHeader.currentVersion else {
            throw .artifact(path: path, problem: "capture format version \(header.version); this edgeprof reads version \(PowerCaptureHeader.currentVersion)")
        }
        var analyzer = PowerAnalyzer(metadata: header.metadata, volts: header.volts, markChannel: markChannel ?? header.markChannel)
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { analyzer.consume($0) }
            }
        } catch {
            throw .artifact(path: path, problem: "read failed: \(error.localizedDescription)")
        }
        return analyzer.report
    }
}
