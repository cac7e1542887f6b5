import EdgeProfCore
import EdgeProfHardware
import Foundation

/// The agent's side of the control loop for one board: read what the board is, what it runs and
/// whether it serves; ask the collector what it is assigned; install the assigned artifact
/// (fetched from the registry, its SHA-256 checked here and again by the board) and the assigned
/// shadow beside it, or drop a shadow no longer assigned; halt or resume it to match; and report
/// what it now is. Level-triggered: every pass compares and acts only on a difference.
public struct BoardReconciler: Sendable {
    /// What a pass found and did.
    public enum Outcome: Sendable, Hashable {
        /// The board was compared with its assignment (and changed where it could be).
        case reconciled(Reconciled)
        /// The collector knows no such device yet: its first stored run introduces it.
        case unknownDevice(String)
        /// The firmware has no `serve` capability: it cannot be halted (reported as is).
        case cannotHalt(device: String)
    }

    /// A board after a pass.
    public struct Reconciled: Sendable, Hashable {
        public var device: String
        public var state: ServingState
        /// It was halted or resumed on this pass.
        public var stateChanged: Bool
        /// The version installed on it on this pass.
        public var installed: ModelReference?
        /// The version it serves, when that is the one it was assigned, and that version's artifact.
        public var serving: ModelReference?
        public var servingArtifactSHA256: String?
        /// Why it does not carry its assigned artifact, when it does not.
        public var offAssignment: String?
        /// The shadow installed on this pass, the one it runs when it is the assigned one, and
        /// whether a shadow no longer assigned was dropped.
        public var shadowInstalled: ModelReference?
        public var shadowing: ModelReference?
        public var shadowUnloaded = false
        /// Why it does not run its assigned shadow, when it does not.
        public var shadowOffAssignment: String?

        public init(
            device: String, state: ServingState, stateChanged: Bool, installed: ModelReference? = nil, serving: ModelReference? = nil,
            servingArtifactSHA256: String? = nil, offAssignment: String? = nil
        ) {
            self.device = device
            self.state = state
            self.stateChanged = stateChanged
            self.installed = installed
            self.serving = serving
            self.servingArtifactSHA256 = servingArtifactSHA256
            self.offAssignment = offAssignment
        }
    }

    public let client: CollectorClient
    public let timeouts: LinkSession.Timeouts

    public init(client: CollectorClient, timeouts: LinkSession.Timeouts = LinkSession.Timeouts()) {
        self.client = client
        self.timeouts = timeouts
    }

    public func reconcile(port: String, baud: Int = TransportOpener.defaultBaud) async throws(AgentError) -> Outcome {
        let transport: any ByteTransport
        do { transport = try TransportOpener.open(path: port, baud: baud, busyGrace: .milliseconds(500)) } catch { throw .transport(error) }
        defer { transport.close() }
        return try await reconcile(over: transport)
    }

    /// The same pass over a transport the caller opened (and closes): a board in memory.
    public func reconcile(over transport: any ByteTransport) async throws(AgentError) -> Outcome {
        let session = LinkSession(transport: transport, timeouts: timeouts)
        let (info, announced) = try session.handshake()
        let device = FleetDevice.identity(of: info)
        let path = "/v1/fleet/devices/" + (device.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-_:"))) ?? device)
        let assignment: DeviceAssignment
        do {
            assignment = try client.decoded(DeviceAssignment.self, from: try await client.call(.GET, path + "/assignment"), what: "an assignment")
        } catch .collector(_, 404?, _, _) {
            return .unknownDevice(device)
        }
        guard let current = info.servingState else { return .cannotHalt(device: device) }
        var model = announced
        var result = Reconciled(device: device, state: current, stateChanged: false)
        if assignment.state == .serving, let wanted = assignment.serveArtifactSHA256, let version = assignment.serve {
            if wanted != model.artifactSHA256 {
                do throws(InstallRefusal) {
                    model = try await install(wanted, version: version, on: session, info: info, quantization: model.quantization)
                    result.installed = version
                } catch {
                    result.offAssignment = error.reason
                }
            }
            if model.artifactSHA256 == wanted {
                result.serving = version
                result.servingArtifactSHA256 = wanted
            }
        }
        var shadow = info.shadowModel
        if assignment.state == .serving {
            shadow = await reconcileShadow(assignment, on: session, info: info, current: shadow, quantization: model.quantization, result: &result)
        }
        let wantedState: ServingState = assignment.state == .halted ? .halted : .serving
        if current != wantedState {
            result.state = try session.setServing(wantedState)
            result.stateChanged = result.state != current
        }
        let body: Data
        let report = DeviceReport(servingState: result.state, artifactSHA256: model.artifactSHA256, shadowArtifactSHA256: shadow?.artifactSHA256)
        do { body = try JSONCoding.encoder.encode(report) } catch {
            throw .invalidArgument("the report cannot be encoded: \(error)")
        }
        _ = try await client.call(.POST, path + "/report", body: body)
        return .reconciled(result)
    }

    /// Why an assigned artifact was not installed; the board keeps what it runs.
    struct InstallRefusal: Error {
        var reason: String
    }

    /// Loads the assigned shadow when the board runs another (or none), or drops a shadow no
    /// longer assigned; the shadow the board then runs. A refusal is recorded, never thrown: the
    /// board keeps serving either way.
    private func reconcileShadow(
        _ assignment: DeviceAssignment, on session: LinkSession, info: BoardInfo, current: BoardModelInfo?, quantization: String,
        result: inout Reconciled
    ) async -> BoardModelInfo? {
        guard let wanted = assignment.shadowArtifactSHA256, let version = assignment.shadow else {
            guard current != nil, info.capabilities.contains("shadow") else { return current }
            do throws(AgentError) {
                try session.unloadShadow()
                result.shadowUnloaded = true
                return nil
            } catch {
                result.shadowOffAssignment = "the board kept a shadow no longer assigned: \(error.description)"
                return current
            }
        }
        var shadow = current
        if shadow?.artifactSHA256 != wanted {
            do throws(InstallRefusal) {
                guard info.capabilities.contains("shadow") else {
                    throw InstallRefusal(reason: "its firmware cannot run a shadow beside its model (no shadow capability)")
                }
                shadow = try await install(wanted, version: version, on: session, info: info, quantization: quantization, slot: .shadow)
                result.shadowInstalled = version
            } catch {
                result.shadowOffAssignment = error.reason
            }
        }
        if shadow?.artifactSHA256 == wanted { result.shadowing = version }
        return shadow
    }

    /// Fetches the artifact, checks its SHA-256 and installs it in `slot`; the model the board
    /// then announces there.
    private func install(
        _ sha256: String, version: ModelReference, on session: LinkSession, info: BoardInfo, quantization: String, slot: InstallSlot = .serve
    ) async throws(InstallRefusal) -> BoardModelInfo {
        guard info.capabilities.contains("install") else {
            throw InstallRefusal(reason: "its firmware cannot install artifacts over the link (no install capability): flash \(version) onto it")
        }
        let bytes: Data
        do { bytes = try await client.call(.GET, "/v1/artifacts/\(sha256)") } catch {
            throw InstallRefusal(reason: "the registry did not hand out \(version)'s artifact: \(error.description)")
        }
        let received = ArtifactDigest.of(bytes: Array(bytes)).sha256
        guard received == sha256 else {
            throw InstallRefusal(reason: "the registry sent bytes with sha256 \(received), not \(version)'s \(sha256): refused, the board keeps its model")
        }
        let installed: BoardModelInfo
        do {
            installed = try session.install(artifact: Array(bytes), sha256: sha256, model: version.name, quantization: quantization, slot: slot)
        } catch {
            throw InstallRefusal(reason: "the board refused \(version)\(slot == .shadow ? " as its shadow" : ""): \(error.description)")
        }
        guard installed.artifactSHA256 == sha256 else {
            throw InstallRefusal(reason: "after installing \(version) the board announces sha256 \(installed.artifactSHA256), not \(sha256)")
        }
        return installed
    }

}
