// Every failing system call in the spool becomes one of these, with the call, the path (relative to the spool
// directory) and errno, plus a stable reason token for logs.
#if canImport(Glibc)
import Glibc
#endif

public enum SpoolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed.
    case system(call: String, path: String, errno: Int32)
    /// `.tmp` or a file we were about to create is a symlink or not what we created: refused.
    case unsafePath(String)
    /// The article id is not 16 lowercase hex digits.
    case invalidArticleID(String)
    /// The state store failed; its message.
    case ledger(String)
    /// Another process holds the spool's writer lock (two writers would break the recovery protocol).
    case locked(String)

    /// Stable token for log lines (`reason=`).
    public var reason: String {
        switch self {
        case .system(_, _, let code):
            switch code {
            case ENOSPC, EDQUOT: "spool_no_space"
            case EACCES, EPERM, EROFS: "spool_permission_denied"
            case ELOOP, EEXIST: "spool_path_exists"
            default: "spool_io_error"
            }
        case .unsafePath: "spool_unsafe_path"
        case .invalidArticleID: "spool_invalid_id"
        case .ledger: "state_store_error"
        case .locked: "spool_locked"
        }
    }

    public var description: String {
        switch self {
        case .system(let call, let path, let code):
            let message = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
            return "\(call)(\(path)): \(message) [errno \(code)]"
        case .unsafePath(let path): return "refusing unsafe path \(path)"
        case .invalidArticleID(let id): return "invalid article id \(id)"
        case .ledger(let message): return "state store: \(message)"
        case .locked(let path): return "another process is writing the spool \(path)"
        }
    }
}
