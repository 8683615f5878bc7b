// Serves the metrics over HTTP on a loopback address (`metrics_listen = "127.0.0.1:9464"`), for a Prometheus
// that scrapes directly. Deliberately tiny: one thread, one request per connection, GET only, 2 s socket
// timeouts so a stuck client cannot hold it. Refuses non-loopback addresses: metrics are not for the world.
import Foundation
import Glibc

final class MetricsServer: @unchecked Sendable {
    private let fd: Int32
    private let metrics: Metrics
    private var thread: Thread?

    struct SetupError: Error, CustomStringConvertible { let description: String }

    init(listen: String, metrics: Metrics) throws {
        self.metrics = metrics
        let parts = listen.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]), parts[0] == "127.0.0.1" || parts[0] == "localhost" else {
            throw SetupError(description: "metrics_listen must be 127.0.0.1:PORT, got \(listen)")
        }
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SetupError(description: "socket: errno \(errno)") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            throw SetupError(description: "cannot listen on \(listen): errno \(code)")
        }
    }

    func start() {
        let thread = Thread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { if errno == EINTR { continue }; return }
                serve(client)
            }
        }
        thread.name = "metrics-server"
        self.thread = thread
        thread.start()
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 2048)
        let count = recv(client, &buffer, buffer.count, 0)
        guard count > 0 else { return }
        let request = String(decoding: buffer[0..<count], as: UTF8.self)
        let response: String
        if request.hasPrefix("GET /metrics ") || request.hasPrefix("GET / ") {
            let body = metrics.render()
            response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: \(body.utf8.count)\r\n"
                + "Connection: close\r\n\r\n" + body
        } else {
            response = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        }
        let bytes = Array(response.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return }
            sent += written
        }
    }
}
