import Crypto
import Foundation

/// The SHA-256 of a model artifact file, read in chunks so large artifacts use little memory.
public enum ArtifactDigest {
    /// Lower-case hex digest and size in bytes.
    public static func of(path: String) throws(AgentError) -> (sha256: String, bytes: Int64) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .artifact(path: path, problem: "no such file. Fix: give the path of the model file (e.g. model.tflite)")
        }
        guard !isDirectory.boolValue else { throw .artifact(path: path, problem: "is a directory, not a model file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .artifact(path: path, problem: "cannot be read (permission denied?)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total: Int64 = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                total += Int64(chunk.count)
            }
        } catch {
            throw .artifact(path: path, problem: "read failed: \(error.localizedDescription)")
        }
        return (hasher.finalize().map { String(format: "%02x", $0) }.joined(), total)
    }

    /// The digest of an artifact already in memory (one uploaded to the collector).
    public static func of(bytes: [UInt8]) -> (sha256: String, bytes: Int64) {
        (SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined(), Int64(bytes.count))
    }
}
