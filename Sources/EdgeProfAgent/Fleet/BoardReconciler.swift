import EdgeProfCore
import EdgeProfHardware
import Foundation

/// The agent's side of the control loop for one board: read what the board is and whether it
/// serves, ask the collector what it is assigned, halt or resume it to match, and report what it
/// now is. Level-triggered: every pass compares and acts only on a difference.
public struct BoardReconciler: Sendable {
    /// What a pass found and did.
    public enum Outcome: Sendable, Hashable {
        /// The board is as assigned (`changed`: it was halted or resumed to get there).
        case reconciled(device: String, state: ServingState, changed: Bool)
        /// The collector knows no such device yet: its first stored run introduces it.
        case unknownDevice(String)
        /// The firmware has no `serve` capability: it cannot be halted (reported as is).
        case cannotHalt(device: String)
    }

    public let client: CollectorClient
    public let timeouts: LinkSession.Timeouts

    public init(client: CollectorClient, timeouts: LinkSession.Timeouts = LinkSession.Timeouts()) {
        self.client = client
        self.timeouts = timeouts
    }

    public func reconcile(port: String, baud: Int = TransportOpener.defaultBaud) async throws(AgentError) -> Outcome {
        let (info, model, session) = try handshake(port: port, baud: baud)
        defer { session.transport.close() }
        let device = FleetDevice.identity(of: info)
        let path = "/v1/fleet/devices/" + (device.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-_:"))) ?? device)
        let assignment: DeviceAssignment
        do {
            assignment = try client.decoded(DeviceAssignment.self, from: try await client.call(.GET, path + "/assignment"), what: "an assignment")
        } catch .collector(_, 404?, _, _) {
            return .unknownDevice(device)
        }
        guard let current = info.servingState else { return .cannotHalt(device: device) }
        let wanted: ServingState = assignment.state == .halted ? .halted : .serving
        var state = current
        if current != wanted {
            state = try session.setServing(wanted)
        }
        let body: Data
        do { body = try JSONCoding.encoder.encode(DeviceReport(servingState: state, artifactSHA256: model.artifactSHA256)) } catch {
            throw .invalidArgument("the report cannot be encoded: \(error)")
        }
        _ = try await client.call(.POST, path + "/report", body: body)
        return .reconciled(device: device, state: state, changed: state != current)
    }

    private func handshake(port: String, baud: Int) throws(AgentError) -> (BoardInfo, BoardModelInfo, LinkSession) {
        let transport: any ByteTransport
        do { transport = try TransportOpener.open(path: port, baud: baud, busyGrace: .milliseconds(500)) } catch { throw .transport(error) }
        do {
            let session = LinkSession(transport: transport, timeouts: timeouts)
            let (info, model) = try session.handshake()
            return (info, model, session)
        } catch {
            transport.close()
            throw error
        }
    }
}
