import Synchronization

/// Wires a simulated board to a simulated power monitor, as a GPIO does on a bench: the board
/// raises it from each ITER to its DONE; the monitor draws the inference current and raises
/// its mark input while it is up. Kept as a timeline, so the monitor can ask about any sample's
/// instant, however briefly the line was low between two inferences.
public final class BoardActivity: Sendable {
    private let transitions = Mutex<[(at: ContinuousClock.Instant, active: Bool)]>([])
    private let powered = Mutex(true)

    public init() {}

    /// Whether the board has power: a board its monitor supplies is off while the monitor is
    /// not sourcing (it then ignores the link).
    public var isPowered: Bool { powered.withLock { $0 } }

    func setPowered(_ value: Bool) {
        powered.withLock { $0 = value }
    }

    /// Whether the line was high at `instant`.
    public func isActive(at instant: ContinuousClock.Instant) -> Bool {
        transitions.withLock { list in list.last { $0.at <= instant }?.active ?? false }
    }

    /// The shortest time the line stays low between two inferences, as firmware takes at least
    /// that long between lowering and raising a GPIO: a board running behind its schedule (a
    /// loaded host) must not merge two windows into one.
    static let minimumLow: Duration = .microseconds(100)

    func set(_ value: Bool) {
        let now = ContinuousClock.now
        transitions.withLock { list in
            var at = now
            if value, let last = list.last, !last.active { at = max(now, last.at + Self.minimumLow) }
            list.append((at, value))
        }
    }
}
