/// What a document really is, read from its first bytes rather than from its name or the client's word.
public enum DocumentKind: String, Sendable, CaseIterable {
    case pdf, png, jpeg, tiff, dwg, dxf, xlsx, docx, zip, text

    public var contentType: String {
        switch self {
        case .pdf: "application/pdf"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .tiff: "image/tiff"
        case .dwg: "image/vnd.dwg"
        case .dxf: "image/vnd.dxf"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .zip: "application/zip"
        case .text: "text/plain"
        }
    }

    /// Declared types clients send for this kind (browsers and CAD tools disagree on some).
    var aliases: Set<String> {
        switch self {
        case .pdf: ["application/pdf", "application/x-pdf"]
        case .png: ["image/png"]
        case .jpeg: ["image/jpeg", "image/jpg", "image/pjpeg"]
        case .tiff: ["image/tiff", "image/tif"]
        case .dwg:
            ["image/vnd.dwg", "application/acad", "application/x-acad", "application/dwg", "image/x-dwg", "drawing/dwg"]
        case .dxf: ["image/vnd.dxf", "application/dxf", "application/x-dxf", "image/x-dxf", "text/plain"]
        case .xlsx: [DocumentKind.xlsx.contentType, "application/zip"]
        case .docx: [DocumentKind.docx.contentType, "application/zip"]
        case .zip: ["application/zip", "application/x-zip-compressed"]
        case .text: ["text/plain", "text/csv", "text/markdown"]
        }
    }

    /// Images BidForge makes display and thumbnail versions of.
    public var isImage: Bool { self == .png || self == .jpeg || self == .tiff }

    /// Whether a client that declared `declared` sent this kind. `application/octet-stream` (and no type) claims
    /// nothing, so it never mismatches.
    public func matches(declared: String?) -> Bool {
        guard let declared else { return true }
        let base =
            declared.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return base.isEmpty || base == "application/octet-stream" || aliases.contains(base)
    }
}

public enum ContentSniffer {
    /// How many leading bytes `sniff` wants (the rest is ignored).
    public static let sampleSize = 64 * 1024

    /// The kind of the document whose first bytes are `sample`, or nil when it is none of the accepted kinds.
    public static func sniff(_ sample: [UInt8]) -> DocumentKind? {
        func starts(_ prefix: [UInt8]) -> Bool {
            sample.count >= prefix.count && Array(sample.prefix(prefix.count)) == prefix
        }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts(Array("AC10".utf8)), sample.count >= 6, sample[4...5].allSatisfy({ (0x30...0x39).contains($0) }) {
            return .dwg
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return officeKind(sample) ?? .zip }
        guard let text = decodedText(sample) else { return nil }
        return isDXF(text) ? .dxf : .text
    }

    /// Office files are ZIPs whose entries name their kind; local file headers carry the names near the start.
    static func officeKind(_ sample: [UInt8]) -> DocumentKind? {
        if contains(sample, Array("xl/".utf8)) { return .xlsx }
        if contains(sample, Array("word/".utf8)) { return .docx }
        return nil
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }

    /// UTF-8 text without NUL or other binary control bytes (a sample cut mid-character is still text).
    static func decodedText(_ sample: [UInt8]) -> String? {
        guard !sample.isEmpty else { return nil }
        var bytes = sample
        // Drop an incomplete trailing UTF-8 sequence left by the sample's cut.
        var trailing = 0
        while trailing < 3, let last = bytes.last, last & 0xC0 == 0x80 {
            bytes.removeLast()
            trailing += 1
        }
        if let last = bytes.last, last & 0xC0 == 0xC0 { bytes.removeLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let binary = text.unicodeScalars.contains { $0.value < 0x20 && !["\n", "\r", "\t", "\u{0C}"].contains($0) }
        return binary ? nil : text
    }

    /// DXF (ASCII): group code 0 then SECTION, after optional 999 comments.
    static func isDXF(_ text: String) -> Bool {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.prefix(40)
        var index = lines.startIndex
        while index + 1 < lines.endIndex, lines[index] == "999" { index += 2 }
        return index + 1 < lines.endIndex && lines[index] == "0" && lines[index + 1] == "SECTION"
    }
}
