import Foundation
import NIOCore
import S3Wire

/// Documents in an S3 bucket through `S3Wire`.
struct S3Storage: ObjectStorage {
    let client: S3Client
    /// Bytes buffered before a streamed upload switches to multipart (S3's smallest part is 5 MiB).
    var partSize = 8 << 20
    var kind: String { "s3" }

    func put(_ key: String, body: ByteBuffer, contentType: String) async throws {
        try StorageError.validate(key)
        try await client.put(key, body: body, contentType: contentType)
    }

    func get(_ key: String) async throws -> ByteBuffer {
        try StorageError.validate(key)
        do { return try await client.get(key) } catch S3Error.notFound { throw StorageError.notFound(key) }
    }

    func size(of key: String) async throws -> Int64? {
        try StorageError.validate(key)
        return try await client.head(key)?.size
    }

    func delete(_ key: String) async throws {
        try StorageError.validate(key)
        try await client.delete(key)
    }

    func beginWrite(_ key: String, contentType: String) async throws -> any ObjectWriter {
        try StorageError.validate(key)
        return Writer(client: client, key: key, contentType: contentType, partSize: partSize)
    }

    func downloadSource(_ key: String, filename: String, contentType: String) async throws -> DownloadSource {
        try StorageError.validate(key)
        return .redirect(
            client.presignedGetURL(
                key, expires: ObjectStorageDefaults.presignedLifetimeSeconds,
                contentDisposition: ContentDisposition.attachment(filename),
                contentType: contentType))
    }

    /// Small objects go up in one PUT at `finish`; once `partSize` bytes are waiting, a multipart upload starts and
    /// each full part is sent as it fills, so at most one part is held in memory.
    final class Writer: ObjectWriter {
        let client: S3Client
        let key: String
        let contentType: String
        let partSize: Int
        var pending = ByteBuffer()
        var uploadId: String?
        var parts: [(number: Int, etag: String)] = []

        init(client: S3Client, key: String, contentType: String, partSize: Int) {
            self.client = client
            self.key = key
            self.contentType = contentType
            self.partSize = partSize
        }

        func write(_ chunk: ByteBuffer) async throws {
            var chunk = chunk
            while chunk.readableBytes > 0 {
                if pending.capacity < partSize { pending.reserveCapacity(partSize) }
                var piece = chunk.readSlice(length: min(chunk.readableBytes, partSize - pending.readableBytes))!
                pending.writeBuffer(&piece)
                guard pending.readableBytes == partSize else { continue }
                // Hand the full buffer over and start a new one: no copy of a part that is still being sent.
                let part = pending
                pending = ByteBuffer()
                try await send(part)
            }
        }

        func finish() async throws {
            guard let uploadId else {
                try await client.put(key, body: pending, contentType: contentType)
                return
            }
            if pending.readableBytes > 0 || parts.isEmpty { try await send(pending) }
            try await client.completeMultipartUpload(key, uploadId: uploadId, parts: parts)
        }

        func abort() async {
            guard let uploadId else { return }
            try? await client.abortMultipartUpload(key, uploadId: uploadId)
        }

        private func send(_ part: ByteBuffer) async throws {
            let id: String
            if let uploadId {
                id = uploadId
            } else {
                id = try await client.createMultipartUpload(key, contentType: contentType)
                uploadId = id
            }
            let number = parts.count + 1
            parts.append((number, try await client.uploadPart(key, uploadId: id, number: number, body: part)))
        }
    }
}
