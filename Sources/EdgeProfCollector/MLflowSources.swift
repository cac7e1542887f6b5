import EdgeProfCore
import Foundation

/// Reads the artifact a `create_model_version` source names, so the registry can keep its bytes
/// and SHA-256. Only `file://` URIs (or absolute paths) inside the folder the operator gave with
/// `collector serve --mlflow-artifact-root DIR` are read: a client cannot make the collector read
/// any other file of its host. Links are resolved before the check.
struct MLflowSources {
    let root: String?

    func bytes(of source: String) throws(MLflowError) -> [UInt8] {
        guard let root else {
            throw MLflowError(
                "PERMISSION_DENIED",
                "this collector reads no model files for MLflow clients: start it with --mlflow-artifact-root DIR and put the artifact under DIR, or register with `edgeprof model register`")
        }
        let path: String
        if source.hasPrefix("/") {
            path = source
        } else if let url = URL(string: source), url.scheme == "file", url.host == nil || url.host == "" || url.host == "localhost" {
            path = url.path
        } else {
            let scheme = source.split(separator: ":", maxSplits: 1).first.map(String.init) ?? source
            throw MLflowError.invalid(
                "source scheme '\(scheme.prefix(20))' is not read here: give a file:// URI under the collector's artifact root (\(root)); s3://, runs:/, models:/ and mlflow-artifacts:/ sources are not fetched")
        }
        let rootPath = URL(fileURLWithPath: root).resolvingSymlinksInPath().standardizedFileURL.path
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
        guard resolved.hasPrefix(rootPath.hasSuffix("/") ? rootPath : rootPath + "/") else {
            throw MLflowError("PERMISSION_DENIED", "source \(source.prefix(200)) is outside the collector's artifact root \(root): copy the artifact there")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) else {
            throw MLflowError.missing("source \(source.prefix(200)) does not exist on the collector")
        }
        guard !isDirectory.boolValue else {
            throw MLflowError.invalid("source \(source.prefix(200)) is a folder: EdgeProf registers one artifact file, the model the boards run (point source at the .tflite/.bin file)")
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: resolved))?[.size] as? NSNumber)?.int64Value ?? -1
        guard size > 0, size <= Int64(StoredArtifact.maximumBytes) else {
            throw MLflowError.invalid("source \(source.prefix(200)) is \(size) bytes; the registry keeps 1 to \(StoredArtifact.maximumBytes)")
        }
        guard let data = FileManager.default.contents(atPath: resolved), data.count == size else {
            throw MLflowError.invalid("source \(source.prefix(200)) could not be read whole")
        }
        return Array(data)
    }
}
