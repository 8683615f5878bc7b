// HTTPS and HTTP/2 against a real nginx on loopback with a throwaway self-signed certificate. Runs only where
// nginx and openssl are installed (Scripts/setup nginx); elsewhere it is skipped, not passed.
import Curl
import Foundation
import Testing
import TestSupport

private let nginxPath = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }
private let opensslPath = ["/usr/bin/openssl", "/usr/local/bin/openssl"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

/// A free TCP port on 127.0.0.1 (bound, read back, released; nginx binds it a moment later).
private func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError.originDidNotStart }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw TestSupportError.originDidNotStart }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// nginx serving `root` over TLS + HTTP/2 on a free port; stopped when released.
private final class TLSOrigin {
    let directory = TemporaryDirectory("tls-origin")
    let port: Int
    let certificatePath: String
    private let process = Process()

    init(nginx: String, openssl: String) throws {
        certificatePath = directory.file("cert.pem").path
        try directory.write("www/hello.html", "<p>halo</p>\n")
        let certificate = try runProcess(URL(fileURLWithPath: openssl), [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", directory.file("key.pem").path, "-out", certificatePath,
        ])
        guard certificate.status == 0 else { throw TestSupportError.originDidNotStart }
        port = try freePort()
        let d = directory.path
        try directory.write("nginx.conf", """
            daemon off; worker_processes 1; pid \(d)/nginx.pid; error_log \(d)/error.log;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path \(d); proxy_temp_path \(d); fastcgi_temp_path \(d);
                uwsgi_temp_path \(d); scgi_temp_path \(d);
                server {
                    listen 127.0.0.1:\(port) ssl http2;
                    ssl_certificate \(certificatePath); ssl_certificate_key \(d)/key.pem;
                    root \(d)/www;
                }
            }
            """)
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-c", directory.file("nginx.conf").path, "-e", directory.file("error.log").path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait (up to 10 s on a loaded machine) until nginx accepts connections.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !FileManager.default.fileExists(atPath: "\(d)/nginx.pid") {
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

@Suite(.enabled(if: nginxPath != nil && opensslPath != nil, "needs nginx and openssl"))
struct TLSTests {
    @Test func negotiatesHTTP2OverTLSAndVerifiesTheCertificate() async throws {
        let origin = try TLSOrigin(nginx: try #require(nginxPath), openssl: try #require(opensslPath))
        let url = "https://localhost:\(origin.port)/hello.html"
        let trusting = try CurlClient(configuration: .init(addressPolicy: .allowAll,
                                                          caBundlePath: origin.certificatePath))
        let response = try await trusting.perform(CurlRequest(url: url))
        #expect(response.status == 200)
        #expect(response.httpVersion == "2")
        #expect(String(decoding: response.body, as: UTF8.self) == "<p>halo</p>\n")

        // The system bundle does not know the throwaway CA: refused, with a TLS error.
        let strict = try CurlClient(configuration: .init(addressPolicy: .allowAll))
        #expect(await failureKind(strict, CurlRequest(url: url)) == .tls)
    }
}
