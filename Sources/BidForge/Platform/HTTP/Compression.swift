import Vapor

/// gzip for responses of 1 KB or more when the client accepts it; smaller ones cost more to compress than they save.
/// The server's compressor is off by default and switched on per response here, so one setting (`COMPRESSION`)
/// decides whether this process compresses at all (off where a proxy already does: never compress twice).
enum Compression {
    static let minimumBytes = 1024

    static func serverConfiguration(enabled: Bool) -> HTTPServer.Configuration.ResponseCompressionConfiguration {
        enabled ? .disabled(allowedTypes: .none, allowRequestOverrides: true) : .forceDisabled
    }

    static func choose(for response: Response, enabled: Bool) {
        guard enabled, response.body.count >= minimumBytes, response.headers[.contentEncoding].isEmpty,
            response.headers[.acceptRanges].isEmpty
        else { return }  // documents: byte ranges must stay byte ranges
        response.headers.responseCompression = .enable
        // A compressed body is not byte-identical to the tagged one: the tag becomes weak (as nginx does).
        if let etag = response.headers.first(name: .eTag), !etag.hasPrefix("W/") {
            response.headers.replaceOrAdd(name: .eTag, value: "W/" + etag)
        }
    }
}
