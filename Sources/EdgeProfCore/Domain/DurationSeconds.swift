extension Duration {
    /// The duration in seconds, for reports (JUnit `time`, a flash's wall time).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
