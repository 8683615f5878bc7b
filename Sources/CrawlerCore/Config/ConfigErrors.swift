// Problems found while loading a config file. The loader collects every problem it can find (not just the
// first) so an operator fixes a file in one round; each one renders as `file:line: message` like a compiler
// diagnostic, which editors and `grep -n` users already know how to jump to.

/// One problem in a config file.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    /// The config file's path as given to the loader.
    public var file: String
    /// 1-based line number; nil when the problem concerns the whole file (unreadable, not UTF-8).
    public var line: Int?
    /// A short, stable sentence naming the key, e.g. `default_interval: "10x" is not a duration ...`.
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, or `file: message` when there is no line.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// Everything wrong with one config file, in line order. Thrown by `ConfigLoader`; never empty.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(problems: [ConfigProblem]) {
        self.problems = problems
    }

    /// One problem per line, each `file:line: message`.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
