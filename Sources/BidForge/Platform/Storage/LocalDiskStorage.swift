import Foundation
import NIOCore
import NIOPosix

/// Files under one folder (`DATA_DIR/files` by default). Writes go to a temporary file that is renamed into place,
/// so a reader never sees half a document and a crash leaves no partial object behind.
struct LocalDiskStorage: ObjectStorage {
    let root: String
    var threadPool = NIOThreadPool.singleton
    var fileIO: NonBlockingFileIO { NonBlockingFileIO(threadPool: threadPool) }
    var kind: String { "local" }

    func path(of key: String) throws -> String {
        try StorageError.validate(key)
        return root + "/" + key
    }

    func put(_ key: String, body: ByteBuffer, contentType: String) async throws {
        let writer = try await beginWrite(key, contentType: contentType)
        do {
            try await writer.write(body)
            try await writer.finish()
        } catch {
            await writer.abort()
            throw error
        }
    }

    func get(_ key: String) async throws -> ByteBuffer {
        let path = try path(of: key)
        // Off the event loops (they also run Swift Concurrency's jobs when the server has NIO as its executor).
        guard let data = try await threadPool.runIfActive({ FileManager.default.contents(atPath: path) }) else {
            throw StorageError.notFound(key)
        }
        return ByteBuffer(data: data)
    }

    func size(of key: String) async throws -> Int64? {
        let path = try path(of: key)
        return try? await threadPool.runIfActive { () throws -> Int64? in
            (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
        } ?? nil
    }

    func delete(_ key: String) async throws {
        let target = try path(of: key)
        if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
    }

    func beginWrite(_ key: String, contentType: String) async throws -> any ObjectWriter {
        let target = try path(of: key)
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/.incoming-" + UUID().lowercasedString
        let handle = try await FileHandles.createForWriting(temporary, on: threadPool)
        return Writer(fileIO: fileIO, handle: handle, temporary: temporary, target: target)
    }

    func downloadSource(_ key: String, filename: String, contentType: String) async throws -> DownloadSource {
        .file(path: try path(of: key))
    }

    final class Writer: ObjectWriter {
        let fileIO: NonBlockingFileIO
        let handle: NIOFileHandle
        let temporary: String
        let target: String
        var closed = false

        init(fileIO: NonBlockingFileIO, handle: NIOFileHandle, temporary: String, target: String) {
            self.fileIO = fileIO
            self.handle = handle
            self.temporary = temporary
            self.target = target
        }

        func write(_ chunk: ByteBuffer) async throws {
            try await fileIO.write(fileHandle: handle, buffer: chunk)
        }

        func finish() async throws {
            try close()
            guard rename(temporary, target) == 0 else {
                unlink(temporary)
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target])
            }
        }

        func abort() async {
            try? close()
            unlink(temporary)
        }

        private func close() throws {
            guard !closed else { return }
            closed = true
            try handle.close()
        }
    }
}
