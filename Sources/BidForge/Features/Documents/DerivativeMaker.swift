import Fluent
import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// Makes each image's display and thumbnail versions once, in the background, beside the original. Any instance
/// with libvips takes pending images (a lease stops two doing the same one); instances without it leave them, and
/// originals are served meanwhile. Woken right after an upload, and every `pollInterval` for the rest.
final class DerivativeMaker: Sendable {
    static let pollInterval: Duration = .seconds(5)
    static let lease: TimeInterval = 120
    static let maxAttempts = 3
    /// Larger images are served as they are: decoding them would cost more memory than an instance should spend.
    static let maxImageBytes: Int64 = 100_000_000

    let imaging: Imaging
    /// Images above this many pixels, or this many bytes of decoded pixels, are served as uploaded
    /// (`IMAGING_MAX_MEGAPIXELS`, `IMAGING_MAX_DECODE_MB`).
    let maxPixels: Int
    let maxDecodedBytes: Int
    private let app: Application
    private let loop = WakeableLoop()
    /// Decoding runs on a thread of its own, never on the pool that serves file reads: one huge image may take its
    /// time, but no download waits behind it.
    private let pool: NIOThreadPool

    init(app: Application, imaging: Imaging, maxMegapixels: Int, maxDecodeMB: Int) {
        self.app = app
        self.imaging = imaging
        self.maxPixels = maxMegapixels * 1_000_000
        self.maxDecodedBytes = maxDecodeMB * 1_000_000
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    deinit { pool.shutdownGracefully { _ in } }

    /// Not an error to retry: the image is larger than the pixel budget, so its original is served.
    struct OverPixelBudget: Error, CustomStringConvertible {
        let header: Imaging.Header
        var description: String {
            "\(header.width)×\(header.height) pixels, \(header.bands) × \(header.bytesPerSample * 8)-bit channels, is over the budget: the original is served"
        }
    }

    func nudge() { loop.nudge() }

    func start() {
        guard imaging.available else { return }
        loop.start(every: Self.pollInterval) { [self] in
            do { while try await makeNext() {} } catch {
                app.logger.warning(
                    "image derivatives failed; retrying", metadata: ["error": .string(String(describing: error))])
            }
        }
    }

    func stop() async { await loop.stop() }

    /// Makes the derivatives of the oldest pending image; false when none is waiting (or imaging is off).
    @discardableResult
    func makeNext() async throws -> Bool {
        guard imaging.available, let document = try await claimNext() else { return false }
        do {
            let keys = try await make(document)
            try await app.write { db in
                document.derivatives = .ready
                document.displayKey = keys[.display]
                document.thumbnailKey = keys[.thumbnail]
                document.derivativeLeaseUntil = nil
                try await document.update(on: db)
            }
        } catch let over as OverPixelBudget {
            let id = try document.requireID()
            app.logger.notice(
                "image over the pixel budget; the original will be served",
                metadata: ["documentId": .string(id.lowercasedString), "size": .string(over.description)])
            try await app.write { db in
                document.derivatives = .failed
                document.derivativeLeaseUntil = nil
                try await document.update(on: db)
            }
        } catch {
            let giveUp = document.derivativeAttempts >= Self.maxAttempts
            app.logger.warning(
                giveUp
                    ? "image derivatives failed for good; the original will be served"
                    : "image derivatives failed; will retry",
                metadata: [
                    "documentId": .string(document.id?.lowercasedString ?? "unsaved"),
                    "error": .string(String(describing: error))
                ])
            let retryAt = app.clock.now().addingTimeInterval(30)
            try await app.write { db in
                document.derivatives = giveUp ? .failed : .pending
                document.derivativeLeaseUntil = giveUp ? nil : retryAt
                try await document.update(on: db)
            }
        }
        return true
    }

    private func claimNext() async throws -> DocumentModel? {
        let now = app.clock.now()
        return try await app.write { db -> DocumentModel? in
            // An image whose every attempt ended without an answer (the process died decoding it: out of memory, say)
            // is given up, not claimed again and again.
            try await DocumentModel.query(on: db).set(\.$derivatives, to: .failed).set(\.$derivativeLeaseUntil, to: nil)
                .filter(\.$derivatives == .pending).filter(\.$derivativeAttempts >= Self.maxAttempts)
                .filter(\.$derivativeLeaseUntil < now).update()
            guard
                let candidate = try await DocumentModel.query(on: db).filter(\.$derivatives == .pending)
                    .filter(\.$derivativeAttempts < Self.maxAttempts)
                    .group(.or, { $0.filter(\.$derivativeLeaseUntil == nil).filter(\.$derivativeLeaseUntil < now) })
                    .sort(\.$createdAt).first()
            else { return nil }
            try await db.lockForUpdate("documents", id: (try candidate.requireID()))
            // Read again under the lock: another instance may have claimed it meanwhile.
            guard let document = try await DocumentModel.find((try candidate.requireID()), on: db),
                document.derivatives == .pending,
                (document.derivativeLeaseUntil ?? .distantPast) < now
            else { return nil }
            document.derivativeLeaseUntil = now.addingTimeInterval(Self.lease)
            document.derivativeAttempts += 1
            try await document.update(on: db)
            return document
        }
    }

    private func make(_ document: DocumentModel) async throws -> [DocumentVariant: String] {
        guard document.sizeBytes <= Self.maxImageBytes else {
            throw Imaging.Failure(description: "image larger than \(Self.maxImageBytes) bytes")
        }
        let storage = app.objectStorage
        let original = Array(try await storage.get(document.storageKey).readableBytesView)
        let imaging = self.imaging
        let header = try await pool.runIfActive { try imaging.header(original) }
        // Each side at most `maxPixels` (≤ 10⁹) first, so the product cannot overflow.
        guard (1...maxPixels).contains(header.width), (1...maxPixels).contains(header.height),
            header.width * header.height <= maxPixels, header.decodedBytes <= maxDecodedBytes
        else {
            throw OverPixelBudget(header: header)
        }
        var keys: [DocumentVariant: String] = [:]
        for variant in DocumentVariant.derived {
            guard let box = variant.box else { continue }
            let jpeg = try await pool.runIfActive {
                try imaging.fitJPEG(
                    original, width: box.width, height: box.height, quality: DocumentVariant.jpegQuality)
            }
            let key = DocumentKeys.derivative(of: document.storageKey, variant)
            try await storage.put(key, body: ByteBuffer(bytes: jpeg), contentType: "image/jpeg")
            keys[variant] = key
        }
        return keys
    }
}

extension Application {
    private struct DerivativesKey: StorageKey { typealias Value = DerivativeMaker }

    /// Set once in `configure`.
    var derivatives: DerivativeMaker {
        get { configured(DerivativesKey.self, "the derivative maker") }
        set { storage[DerivativesKey.self] = newValue }
    }

    var derivativesIfConfigured: DerivativeMaker? { storage[DerivativesKey.self] }

    func configureImaging() {
        let imaging = settings.imaging ? Imaging.load(libraries: settings.imagingLibraries) : .disabled
        if !imaging.available {
            logger.notice(
                "image derivatives are off; originals will be served",
                metadata: ["reason": .string(imaging.problem ?? "")])
        }
        derivatives = DerivativeMaker(
            app: self, imaging: imaging, maxMegapixels: settings.imagingMaxMegapixels,
            maxDecodeMB: settings.imagingMaxDecodeMB)
    }
}
