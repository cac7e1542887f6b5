import EdgeProfCore
import Foundation

/// The files around audit checkpoints: the signing key (created 0600, never overwritten) and
/// checkpoints kept outside the database.
public enum AuditFiles {
    public static func writeNewKey(to path: String) throws(AgentError) -> AuditSigner {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw .invalidArgument("\(path) exists: a signing key is never overwritten (earlier checkpoints name its public key). Fix: choose another path")
        }
        let signer = AuditSigner()
        guard FileManager.default.createFile(atPath: path, contents: Data(signer.keyText.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw .invalidArgument("\(path) cannot be written. Fix: check the folder exists and is writable")
        }
        return signer
    }

    public static func readKey(_ path: String) throws(AgentError) -> AuditSigner {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .config(ConfigError(file: path, line: nil, message: "cannot read the signing key (missing or unreadable)"))
        }
        do { return try AuditSigner(keyText: String(decoding: data, as: UTF8.self), file: path) } catch { throw .config(error) }
    }

    public static func readCheckpoint(_ path: String) throws(AgentError) -> AuditCheckpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .config(ConfigError(file: path, line: nil, message: "cannot read the checkpoint (missing or unreadable)"))
        }
        guard let checkpoint = try? JSONDecoder().decode(AuditCheckpoint.self, from: data) else {
            throw .config(ConfigError(file: path, line: nil, message: "not an audit checkpoint (JSON with sequence, hash, at, publicKey, signature)"))
        }
        return checkpoint
    }
}
