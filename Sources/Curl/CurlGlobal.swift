// libcurl's global state must be set up exactly once, before any thread uses curl (curl_global_init is not
// thread-safe). A `static let` gives us Swift's once-only, thread-safe lazy initialisation; every entry point
// of this module touches it first, and `Curl.initialize()` lets the executable run it before concurrency.
import CCurl

public enum Curl {
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32))

    /// Runs curl_global_init once per process. Call from `main` before starting tasks; safe to call again.
    public static func initialize() throws(CurlError) {
        let code = globalInit
        guard code == CURLE_OK else { throw CurlError(easyCode: code, call: "curl_global_init") }
    }

    /// libcurl's version line, e.g. "libcurl/7.88.1 OpenSSL/3.0.19 zlib/1.2.13 ...", for logs and diagnostics.
    public static var versionDescription: String { String(cString: curl_version()) }
}
