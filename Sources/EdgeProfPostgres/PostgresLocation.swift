import Foundation
import PostgresNIO

/// A `postgres://user:password@host:port/database` URL, read into a client configuration.
public enum PostgresLocation {
    /// Whether `text` names a PostgreSQL database rather than a SQLite file: anything with the
    /// scheme, so that a mistyped URL (`postgres:/host/db`) is refused with the form to write
    /// rather than taken for a file path and created as a SQLite database in a folder `postgres:`.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres:") || text.hasPrefix("postgresql:")
    }

    /// The parts of the URL: host, port, user, password, database.
    struct Parts {
        var host: String
        var port: Int
        var username: String
        var password: String?
        var database: String
    }

    /// The same server with another database.
    public static func url(_ text: String, database: String) -> String {
        guard var url = URLComponents(string: text) else { return text }
        url.path = "/" + database
        return url.string ?? text
    }

    /// A single-connection configuration, to check that the server answers before pooling.
    static func connection(_ text: String) -> Result<PostgresConnection.Configuration, PostgresLocationError> {
        parts(text).map { PostgresConnection.Configuration(host: $0.host, port: $0.port, username: $0.username, password: $0.password, database: $0.database, tls: .disable) }
    }

    /// The client configuration, or a message naming what is wrong with the URL.
    public static func configuration(_ text: String) -> Result<PostgresClient.Configuration, PostgresLocationError> {
        parts(text).map { parts in
            var configuration = PostgresClient.Configuration(
                host: parts.host, port: parts.port, username: parts.username, password: parts.password, database: parts.database, tls: .disable)
            configuration.options.maximumConnections = 8
            return configuration
        }
    }

    static func parts(_ text: String) -> Result<Parts, PostgresLocationError> {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"), let url = URLComponents(string: text), let host = url.host, !host.isEmpty else {
            return .failure(PostgresLocationError(description: "'\(text)' is not a PostgreSQL URL; write postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"))
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        guard !database.isEmpty else {
            return .failure(PostgresLocationError(description: "'\(text)' names no database; end it with /DATABASE"))
        }
        return .success(Parts(host: host, port: url.port ?? 5432, username: url.user ?? "postgres", password: url.password, database: database))
    }

    /// The URL without its password, for messages.
    public static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text), url.password != nil else { return text }
        url.password = "•••"
        return url.string ?? text
    }
}

/// A malformed PostgreSQL URL.
public struct PostgresLocationError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
