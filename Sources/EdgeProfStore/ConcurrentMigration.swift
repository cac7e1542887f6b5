import Foundation
import GRDB

/// Brings a schema up to date when other processes (or threads) may be doing the same to the
/// same new file: two that both saw a migration missing race to apply it, and the loser's
/// transaction fails ("table … already exists", "duplicate column name") and rolls back. The
/// loser looks again, finds the winner's migration applied, and goes on.
enum ConcurrentMigration {
    static func migrate(_ migrator: DatabaseMigrator, _ writer: some DatabaseWriter, attempts: Int = 5) throws {
        for attempt in 1... {
            do {
                try migrator.migrate(writer)
                return
            } catch let error as DatabaseError where attempt < attempts && isRaceLoss(error) {
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            }
        }
    }

    /// What applying a migration another opener just applied fails with.
    private static func isRaceLoss(_ error: DatabaseError) -> Bool {
        let message = error.message ?? ""
        return message.contains("already exists") || message.contains("duplicate column name")
    }
}
