import EdgeProfCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Creates a database file readable and writable by its owner only (0600) before SQLite opens it:
/// SQLite then gives its WAL and shared-memory files the same permissions. An existing file keeps
/// the permissions it has.
enum PrivateDatabaseFile {
    static func prepare(_ path: String) throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            close(descriptor)
        } else if errno != EEXIST {
            throw StoreError.unavailable(location: path, reason: String(cString: strerror(errno)))
        }
    }
}
