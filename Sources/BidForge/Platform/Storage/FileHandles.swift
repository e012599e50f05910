import Foundation
import NIOCore
import NIOPosix

/// Opening files off the event loops (open(2) can block on a slow disk), for NonBlockingFileIO's reads and writes.
enum FileHandles {
    static func openForReading(_ path: String, on pool: NIOThreadPool = .singleton) async throws -> NIOFileHandle {
        try await open(path, O_RDONLY | O_CLOEXEC, 0, on: pool)
    }

    /// A new file only readable by this user; fails if `path` exists.
    static func createForWriting(_ path: String, on pool: NIOThreadPool = .singleton) async throws -> NIOFileHandle {
        try await open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600, on: pool)
    }

    private static func open(_ path: String, _ flags: CInt, _ mode: mode_t, on pool: NIOThreadPool) async throws
        -> NIOFileHandle
    {
        let descriptor = try await pool.runIfActive { () throws -> CInt in
            let fd = Foundation.open(path, flags, mode)
            guard fd >= 0 else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path, "errno": errno])
            }
            return fd
        }
        return NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor)
    }
}
