// The spool directory's file operations, relative to directory descriptors opened once: create-exclusive
// without following symlinks, write fully, fsync, rename, unlink, list. No policy here; SpoolDelivery decides
// the order (see docs/spool.md for the protocol and why each step is where it is).
//
// Threading: immutable after init (two descriptors); every method may be called from any thread. The
// descriptors are closed in deinit. All calls block (fsync): call from a dedicated thread, not the
// cooperative pool.
#if canImport(Glibc)
import Glibc
#endif

public final class SpoolWriter: Sendable {
    /// Mode of spool files: owner read/write, group read, so a consumer in the spool's group can read them.
    public static let fileMode: UInt32 = 0o640
    /// Mode of the spool directory when feedcrawler creates it (an existing directory keeps its mode: the
    /// operator may have made it group-writable so the consumer can delete files).
    public static let directoryMode: UInt32 = 0o750
    /// Mode of `.tmp`: private to feedcrawler; consumers never look inside.
    public static let temporaryDirectoryMode: UInt32 = 0o700
    public static let temporaryDirectoryName = ".tmp"

    /// The spool directory path as configured.
    public let path: String
    private let directory: Int32
    private let temporary: Int32
    /// Whether the process umask removes bits of `fileMode`, so that each new file needs an fchmod: with the
    /// usual umasks (022, 027) it does not, which saves a system call per file (two per article).
    private let umaskNarrowsFileMode: Bool

    /// Opens (creating if missing) the spool directory and its `.tmp`. The configured path itself may be a
    /// symlink (operators do that); `.tmp` may not.
    public init(directory path: String) throws(SpoolError) {
        self.path = path
        try SpoolWriter.makeDirectories(path)
        let directory = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw .system(call: "open", path: path, errno: errno) }
        if mkdirat(directory, SpoolWriter.temporaryDirectoryName, mode_t(SpoolWriter.temporaryDirectoryMode)) != 0, errno != EEXIST {
            let code = errno
            close(directory)
            throw .system(call: "mkdirat", path: SpoolWriter.temporaryDirectoryName, errno: code)
        }
        let temporary = openat(directory, SpoolWriter.temporaryDirectoryName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard temporary >= 0 else {
            let code = errno
            close(directory)
            if code == ELOOP || code == ENOTDIR { throw .unsafePath(SpoolWriter.temporaryDirectoryName) }
            throw .system(call: "openat", path: SpoolWriter.temporaryDirectoryName, errno: code)
        }
        // `.tmp` must be ours: another user's directory could hold files we would rename into the spool.
        var info = stat()
        if fstat(temporary, &info) != 0 || info.st_uid != geteuid() {
            close(temporary)
            close(directory)
            throw .unsafePath(SpoolWriter.temporaryDirectoryName)
        }
        _ = fchmod(temporary, mode_t(SpoolWriter.temporaryDirectoryMode))
        // One writer per spool: recover() deletes unclaimed temp files, which would be another live
        // writer's work in progress. The lock lives as long as this descriptor (released by close or exit).
        if flock(temporary, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            close(temporary)
            close(directory)
            if code == EWOULDBLOCK { throw .locked(path) }
            throw .system(call: "flock", path: SpoolWriter.temporaryDirectoryName, errno: code)
        }
        self.directory = directory
        self.temporary = temporary
        self.umaskNarrowsFileMode = SpoolWriter.narrowsFileMode(umask: SpoolWriter.currentUmask())
    }

    /// Whether files created with `fileMode` under this umask (nil: unknown) come out with fewer bits.
    static func narrowsFileMode(umask: UInt32?) -> Bool {
        guard let umask else { return true }
        return umask & fileMode != 0
    }

    /// The process umask from /proc/self/status (Linux 4.7 and later), without changing it: umask(2) can only
    /// be read by setting it, which would race with files other threads create meanwhile. nil when unknown.
    static func currentUmask() -> UInt32? {
        guard let status = fopen("/proc/self/status", "re") else { return nil }
        defer { fclose(status) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), status) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix("Umask:") else { continue }
            return UInt32(String(text.dropFirst("Umask:".count).filter { $0 >= "0" && $0 <= "7" }), radix: 8)
        }
        return nil
    }

    deinit {
        close(temporary)
        close(directory)
    }

    // MARK: - Temporary files

    /// Creates `.tmp/<name>` exclusively (never following or replacing anything already there), writes all
    /// bytes, sets mode 0640 whatever the umask, fsyncs (unless `sync` is false: the caller then makes it
    /// durable with syncFileSystem()) and closes. On failure the partial file is removed.
    public func writeTemporaryFile(named name: String, contents: String, sync: Bool = true) throws(SpoolError) {
        let file = openat(temporary, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(SpoolWriter.fileMode))
        guard file >= 0 else { throw .system(call: "openat", path: tmpPath(name), errno: errno) }
        var failure: SpoolError?
        if umaskNarrowsFileMode, fchmod(file, mode_t(SpoolWriter.fileMode)) != 0 {
            failure = .system(call: "fchmod", path: tmpPath(name), errno: errno)
        }
        if failure == nil {
            var text = contents
            text.withUTF8 { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(file, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        failure = .system(call: "write", path: tmpPath(name), errno: errno)
                        return
                    }
                    offset += written
                }
            }
        }
        if failure == nil, sync, fsync(file) != 0 {
            failure = .system(call: "fsync", path: tmpPath(name), errno: errno)
        }
        // close() reports deferred write errors on some filesystems (NFS): a failure there is a failure.
        if close(file) != 0, failure == nil {
            failure = .system(call: "close", path: tmpPath(name), errno: errno)
        }
        if let failure {
            _ = unlinkat(temporary, name, 0)
            throw failure
        }
    }

    /// Removes `.tmp/<name>`; a missing file is not an error.
    public func removeTemporaryFile(named name: String) throws(SpoolError) {
        if unlinkat(temporary, name, 0) != 0, errno != ENOENT {
            throw .system(call: "unlinkat", path: tmpPath(name), errno: errno)
        }
    }

    public func temporaryFileExists(named name: String) -> Bool {
        var info = stat()
        return fstatat(temporary, name, &info, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// Moves `.tmp/<name>` to `<target>` in the spool directory in one atomic step (same filesystem).
    public func publish(temporaryFile name: String, as target: String) throws(SpoolError) {
        if renameat(temporary, name, directory, target) != 0 {
            throw .system(call: "renameat", path: tmpPath(name) + " -> " + target, errno: errno)
        }
    }

    /// Makes the contents of `.tmp/<name>`, written earlier without a sync, durable.
    public func syncTemporaryFile(named name: String) throws(SpoolError) {
        let file = openat(temporary, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else { throw .system(call: "openat", path: tmpPath(name), errno: errno) }
        defer { close(file) }
        if fsync(file) != 0 { throw .system(call: "fsync", path: tmpPath(name), errno: errno) }
    }

    /// Makes created/renamed entries of `.tmp` durable.
    public func syncTemporaryDirectory() throws(SpoolError) {
        if fsync(temporary) != 0 { throw .system(call: "fsync", path: SpoolWriter.temporaryDirectoryName, errno: errno) }
    }

    /// Makes everything written on the spool's filesystem durable, data and directory entries: one call
    /// instead of an fsync per file (measured here: ~1800 files/s in batches of 64, against ~340 with an
    /// fsync each). Linux reports writeback errors through syncfs since 5.8; older kernels would not.
    public func syncFileSystem() throws(SpoolError) {
        guard let syncfs = SpoolWriter.syncfsFunction else {
            throw .system(call: "syncfs", path: SpoolWriter.temporaryDirectoryName, errno: ENOSYS)
        }
        if syncfs(temporary) != 0 { throw .system(call: "syncfs", path: SpoolWriter.temporaryDirectoryName, errno: errno) }
    }

    /// Whether syncFileSystem() is available (glibc's syncfs; Swift's Glibc module does not import it, being a
    /// GNU extension, so it is looked up once by name).
    public static var canSyncFileSystem: Bool { syncfsFunction != nil }

    private typealias SyncFS = @convention(c) (Int32) -> Int32
    private static let syncfsFunction: SyncFS? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: SyncFS.self)
    }()

    /// Makes renames into the spool directory durable.
    public func syncDirectory() throws(SpoolError) {
        if fsync(directory) != 0 { throw .system(call: "fsync", path: ".", errno: errno) }
    }

    /// Names in `.tmp`.
    public func temporaryFileNames() throws(SpoolError) -> [String] {
        try SpoolWriter.list(temporary, path: SpoolWriter.temporaryDirectoryName)
    }

    /// Names in the spool directory (including `.tmp` and anything else there).
    public func fileNames() throws(SpoolError) -> [String] {
        try SpoolWriter.list(directory, path: ".")
    }

    /// Articles waiting in the spool for the consumer: `.txt` files with a spool name (for backpressure:
    /// `spool_max_files`). Lists the directory, so call it per batch, not per article.
    public func spooledArticleCount() throws(SpoolError) -> Int {
        try fileNames().reduce(0) { count, name in
            name.hasSuffix(".txt") && SpoolName(fileName: name) != nil ? count + 1 : count
        }
    }

    /// Bytes an unprivileged process may still write on the spool's filesystem (for backpressure: a minimum
    /// free space below which delivery pauses).
    public func availableBytes() throws(SpoolError) -> UInt64 {
        var info = statvfs()
        guard fstatvfs(directory, &info) == 0 else { throw .system(call: "fstatvfs", path: ".", errno: errno) }
        return UInt64(info.f_bavail) &* UInt64(info.f_frsize)
    }

    public func fileExists(named name: String) -> Bool {
        var info = stat()
        return fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0
    }

    // MARK: - Helpers

    private func tmpPath(_ name: String) -> String { SpoolWriter.temporaryDirectoryName + "/" + name }

    private static func list(_ descriptor: Int32, path: String) throws(SpoolError) -> [String] {
        // fdopendir takes ownership of its descriptor, so hand it a fresh one.
        let copy = openat(descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard copy >= 0 else { throw .system(call: "openat", path: path, errno: errno) }
        guard let stream = fdopendir(copy) else {
            let code = errno
            close(copy)
            throw .system(call: "fdopendir", path: path, errno: code)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            // Read the name in place: glibc sizes each entry to its name, so copying the 256-byte d_name field
            // out of the last entry of readdir's buffer reads past the buffer (AddressSanitizer caught it).
            let name = String(cString: UnsafeRawPointer(entry).advanced(by: SpoolWriter.nameOffset)
                .assumingMemoryBound(to: CChar.self))
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!

    /// mkdir -p: missing parents 0755, the spool directory itself 0750. Existing ones are left as they are.
    private static func makeDirectories(_ path: String) throws(SpoolError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw .system(call: "stat", path: path, errno: ENOTDIR) }
            return
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        var current = path.hasPrefix("/") ? "" : "."
        for (index, component) in components.enumerated() {
            current += "/" + component
            let isLast = index == components.count - 1
            if mkdir(current, mode_t(isLast ? directoryMode : 0o755)) != 0, errno != EEXIST {
                throw .system(call: "mkdir", path: current, errno: errno)
            }
        }
    }
}
