import EdgeProfCore
import Foundation

/// Reads a firmware ELF from disk and measures it.
public enum FirmwareFile {
    public static func size(path: String) throws(AgentError) -> FirmwareSize {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(what: "firmware", path: path)
        }
        do {
            return FirmwareSize(try ELFImage(bytes: Array(data)))
        } catch {
            throw .firmware(path: path, error)
        }
    }

    /// The size of a firmware file that exists (nil when there is none yet: whoever runs it
    /// reports the missing file with its fix). A file that is there must be a valid ELF.
    public static func sizeIfPresent(path: String?) throws(AgentError) -> FirmwareSize? {
        guard let path, FileManager.default.fileExists(atPath: path) else { return nil }
        return try size(path: path)
    }
}
