import CVips
import Foundation

/// Image resizing through libvips, found at run time. Absent library → `available` is false, derivatives are skipped
/// and originals are served; `/api/health` says `imaging: disabled`.
struct Imaging: Sendable {

    let available: Bool
    let version: String
    /// Why imaging is unavailable (nil when available).
    let problem: String?

    /// Looks for libvips under `libraries` (`;`-separated names for dlopen); it is initialised once per process.
    static func load(libraries: String) -> Imaging {
        let ok = libraries.withCString { bf_vips_load($0) } == 1
        return Imaging(
            available: ok, version: ok ? String(cString: bf_vips_version()) : "",
            problem: ok ? nil : String(cString: bf_vips_error()))
    }

    static let disabled = Imaging(available: false, version: "", problem: "imaging is turned off (IMAGING=off)")

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// What decoding an image would take, read from its header alone.
    struct Header: Sendable, Equatable {
        let width: Int
        let height: Int
        let bands: Int
        let bytesPerSample: Int

        /// The pixels held in memory once decoded (a progressive JPEG or interlaced PNG is decoded whole); `Int.max`
        /// when even that does not fit (a header may claim anything).
        var decodedBytes: Int {
            [height, bands, bytesPerSample].reduce(width) { total, factor in
                let (product, overflow) = total.multipliedReportingOverflow(by: factor)
                return overflow || product < 0 ? Int.max : product
            }
        }
    }

    /// The image's header, without decoding its pixels. Blocking (briefly).
    func header(_ image: [UInt8]) throws -> Header {
        guard available else { throw Failure(description: problem ?? "imaging unavailable") }
        var width: Int32 = 0, height: Int32 = 0, bands: Int32 = 0, bytesPerSample: Int32 = 0
        let status = image.withUnsafeBytes {
            bf_vips_header($0.baseAddress, $0.count, &width, &height, &bands, &bytesPerSample)
        }
        guard status == 0 else { throw Failure(description: String(cString: bf_vips_error())) }
        return Header(width: Int(width), height: Int(height), bands: Int(bands), bytesPerSample: Int(bytesPerSample))
    }

    /// The image shrunk to fit `width`×`height` (never enlarged), as a JPEG of `quality`. Blocking: call it off the
    /// event loops.
    func fitJPEG(_ image: [UInt8], width: Int, height: Int, quality: Int) throws -> [UInt8] {
        guard available else { throw Failure(description: problem ?? "imaging unavailable") }
        var output: UnsafeMutableRawPointer?
        var length = 0
        let status = image.withUnsafeBytes { bytes in
            bf_vips_fit_jpeg(
                bytes.baseAddress, bytes.count, Int32(width), Int32(height), Int32(quality), &output, &length)
        }
        guard status == 0, let output else { throw Failure(description: String(cString: bf_vips_error())) }
        defer { bf_vips_free(output) }
        return Array(UnsafeRawBufferPointer(start: output, count: length))
    }
}
