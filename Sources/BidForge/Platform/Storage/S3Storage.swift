import Foundation
import NIOCore
import S3Wire

/// Documents in an S3 bucket through `S3Wire`.
struct S3Storage: ObjectStorage {
    let client: S3Client
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
}
