// Owners of libcurl's easy handles and header lists. Threading contract: an EasyHandle and a HeaderList are
// created, used and freed on the transfer loop thread only; they are not Sendable and never escape it.
import CCurl

/// One CURL* easy handle, freed with curl_easy_cleanup when the owner goes away.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer

    init() throws(CurlError) {
        guard let raw = curl_easy_init() else {
            throw CurlError(kind: .outOfMemory, message: "curl_easy_init returned NULL", call: "curl_easy_init")
        }
        self.raw = raw
    }

    deinit { curl_easy_cleanup(raw) }

    /// Clears every option so the handle can serve another request (keeps its connection and DNS caches).
    func reset() { curl_easy_reset(raw) }

    func set(_ option: CURLoption, _ value: Int, _ name: String) throws(CurlError) {
        try check(fc_easy_setopt_long(raw, option, value), name)
    }

    func set(_ option: CURLoption, offset value: Int, _ name: String) throws(CurlError) {
        try check(fc_easy_setopt_off(raw, option, curl_off_t(value)), name)
    }

    /// libcurl copies string options (since 7.17), so the Swift string only has to live for the call.
    func set(_ option: CURLoption, _ value: String, _ name: String) throws(CurlError) {
        try check(fc_easy_setopt_string(raw, option, value), name)
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?, _ name: String) throws(CurlError) {
        try check(fc_easy_setopt_pointer(raw, option, value), name)
    }

    /// The list must outlive the transfer (libcurl does not copy it); the Transfer owns both.
    func set(headers list: HeaderList) throws(CurlError) {
        try check(fc_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, list.raw), "CURLOPT_HTTPHEADER")
    }

    func check(_ code: CURLcode, _ name: String) throws(CurlError) {
        guard code == CURLE_OK else { throw CurlError(easyCode: code, call: "curl_easy_setopt(\(name))") }
    }

    func long(_ info: CURLINFO) -> Int {
        var value = 0
        return fc_easy_getinfo_long(raw, info, &value) == CURLE_OK ? value : 0
    }

    func offset(_ info: CURLINFO) -> Int {
        var value: curl_off_t = 0
        return fc_easy_getinfo_off(raw, info, &value) == CURLE_OK ? Int(value) : 0
    }

    func string(_ info: CURLINFO) -> String {
        var value: UnsafeMutablePointer<CChar>?
        guard fc_easy_getinfo_string(raw, info, &value) == CURLE_OK, let value else { return "" }
        return String(cString: value)
    }
}

/// A curl_slist of request header lines, freed with curl_slist_free_all.
final class HeaderList {
    private(set) var raw: UnsafeMutablePointer<curl_slist>?

    init(lines: [String]) throws(CurlError) {
        for line in lines {
            guard let next = curl_slist_append(raw, line) else {
                throw CurlError(kind: .outOfMemory, message: "curl_slist_append returned NULL", call: "curl_slist_append")
            }
            raw = next
        }
    }

    deinit { curl_slist_free_all(raw) }
}
