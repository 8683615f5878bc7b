// The daemon's heartbeat: a small JSON file in the state directory, rewritten by the main loop every tick.
// `feedcrawler status` reads it to tell a live daemon from a dead or stuck one (usable as a health check).
// Written by rename (atomic), not fsync'd: after a power loss a stale heartbeat is exactly the right answer.
public import Foundation

public struct Heartbeat: Codable, Sendable, Equatable {
    public var pid: Int32
    /// Last main-loop tick.
    public var at: Date
    public var startedAt: Date
    public var feeds: Int
    public var polling: Int
    /// Set on a clean shutdown.
    public var stopped: Bool

    static let fileName = "heartbeat.json"

    static func path(stateDir: String) -> String { (stateDir as NSString).appendingPathComponent(fileName) }

    func write(stateDir: String) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(self) else { return }
        let target = Self.path(stateDir: stateDir)
        let temporary = target + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else { return }
        _ = rename(temporary, target)
    }

    public static func read(stateDir: String) -> Heartbeat? {
        guard let data = FileManager.default.contents(atPath: path(stateDir: stateDir)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(Heartbeat.self, from: data)
    }
}
