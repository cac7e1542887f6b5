import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Serialises opening a database — creating it, switching it to WAL, applying migrations — among
/// every thread and process that opens the same file at once (an agent running every place of a
/// bench opens a new bench's files from several threads). Unserialised, the openers raced: two
/// applied the same migration ("table … already exists"), or one met the other's lock mid-setup
/// ("database is locked"). An exclusive `flock` on `FILE.lock` beside it is held while opening.
enum OpeningLock {
    /// Runs `body` holding the lock of `databasePath`; `mode` is the lock file's permissions.
    /// Where the lock file cannot be made (a read-only folder), `body` runs without it.
    static func holding<T>(_ databasePath: String, mode: mode_t = 0o600, _ body: () throws -> T) throws -> T {
        let descriptor = open(databasePath + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, mode)
        guard descriptor >= 0 else { return try body() }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { return try body() }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
