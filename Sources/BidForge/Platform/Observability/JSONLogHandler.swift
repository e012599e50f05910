import Foundation
import Logging

/// swift-log handler writing one JSON object per line to standard output:
/// `{"ts":"…","level":"info","message":"request","label":"…", …metadata}`.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
        source: String, file: String, function: String, line: UInt
    ) {
        FileHandle.standardOutput.write(
            Self.line(
                ts: Date(), level: level, message: message.description, label: label,
                metadata: metadata.merging(explicit ?? [:]) { $1 }))
    }

    static func line(ts: Date, level: Logger.Level, message: String, label: String, metadata: Logger.Metadata) -> Data {
        var object: [String: Any] = [:]
        for (key, value) in metadata { object[key] = json(value) }
        object["ts"] = ts.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        object["level"] = level.rawValue
        object["message"] = message
        object["label"] = label
        var data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        data.append(0x0A)
        return data
    }

    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let c):
            if let n = c as? Int { return n }
            if let n = c as? UInt { return n }
            if let d = c as? Double { return d }
            return c.description
        case .array(let a): return a.map(json)
        case .dictionary(let d): return d.mapValues(json)
        }
    }
}

public enum BidForgeLogging {
    public static func jsonHandler(label: String, level: Logger.Level) -> any LogHandler {
        JSONLogHandler(label: label, level: level)
    }
}
