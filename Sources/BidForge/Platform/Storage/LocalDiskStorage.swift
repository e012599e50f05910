import Foundation
import NIOCore

/// Files under one folder (`DATA_DIR/files` by default). Writes go to a temporary file that is renamed into place,
/// so a reader never sees half a document and a crash leaves no partial object behind.
struct LocalDiskStorage: ObjectStorage {
    let root: String
    var kind: String { "local" }

    func path(of key: String) throws -> String {
        try StorageError.validate(key)
        return root + "/" + key
    }

    func put(_ key: String, body: ByteBuffer, contentType: String) async throws {
        let target = try path(of: key)
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/.incoming-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: temporary, contents: Data(body.readableBytesView), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        guard rename(temporary, target) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target])
        }
    }

    func get(_ key: String) async throws -> ByteBuffer {
        guard let data = FileManager.default.contents(atPath: try path(of: key)) else { throw StorageError.notFound(key) }
        return ByteBuffer(data: data)
    }

    func size(of key: String) async throws -> Int64? {
        let attributes = try? FileManager.default.attributesOfItem(atPath: try path(of: key))
        return (attributes?[.size] as? NSNumber)?.int64Value
    }

    func delete(_ key: String) async throws {
        let target = try path(of: key)
        if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
    }
}
