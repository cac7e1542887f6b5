import Hummingbird

/// The collector's request context: Hummingbird's core storage plus the client's address, which
/// the authentication throttle counts failures by.
struct CollectorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer's IP address (nil for a socket without one).
    let clientAddress: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
