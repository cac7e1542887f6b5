import Glibc

/// Reads and writes a non-blocking file descriptor with poll(2) deadlines. Shared by the
/// terminal transport and the pseudo-terminal a simulator serves.
struct PolledDescriptor {
    let fd: Int32
    let name: String

    func write(_ bytes: [UInt8], timeout: Duration) throws(TransportError) {
        let deadline = ContinuousClock.now + timeout
        var offset = 0
        while offset < bytes.count {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw .timeout(port: name, operation: "write", after: timeout) }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&pfd, 1, remaining.pollMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .system(port: name, operation: "poll", code: errno)
            }
            if ready == 0 { continue }
            if pfd.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 && pfd.revents & Int16(POLLOUT) == 0 {
                throw .disconnected(port: name)
            }
            let written = bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.write(fd, base + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                if errno == EIO || errno == ENXIO || errno == ENODEV { throw .disconnected(port: name) }
                throw .system(port: name, operation: "write", code: errno)
            }
            offset += written
        }
    }

    /// `hangupMeansGone` is false for a pty's controller side, which reports a hang-up
    /// whenever no program has the terminal open.
    func read(maxCount: Int, timeout: Duration, hangupMeansGone: Bool = true) throws(TransportError) -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let remaining = deadline - ContinuousClock.now
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, max(remaining, .zero).pollMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .system(port: name, operation: "poll", code: errno)
            }
            if ready == 0 { return [] }
            if pfd.revents & Int16(POLLIN) == 0 {
                if hangupMeansGone || pfd.revents & Int16(POLLNVAL) != 0 { throw .disconnected(port: name) }
                usleep(UInt32(min(max(remaining, .zero), .milliseconds(20)).pollMilliseconds) * 1000)
                return []
            }
            var buffer = [UInt8](repeating: 0, count: maxCount)
            let count = buffer.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.read(fd, base, maxCount)
            }
            if count > 0 { return Array(buffer[0..<count]) }
            if count == 0 { throw .disconnected(port: name) }
            if errno == EAGAIN || errno == EINTR { continue }
            if errno == EIO || errno == ENXIO || errno == ENODEV {
                if hangupMeansGone { throw .disconnected(port: name) }
                return []
            }
            throw .system(port: name, operation: "read", code: errno)
        }
    }
}
