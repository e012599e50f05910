import Foundation

/// Names users gave their files, made safe to show and to put in a `Content-Disposition` header. Storage never uses
/// them: keys are generated.
public enum FileNames {
    public static let maxLength = 200

    public static func sanitize(_ original: String) -> String {
        // Only the last path component, whichever separator the client's system used.
        let last = original.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = ""
        for scalar in last.precomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
                continue
            }
            cleaned.unicodeScalars.append("<>:\"|?*".unicodeScalars.contains(scalar) ? "_" : scalar)
        }
        cleaned = cleaned.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        cleaned = cleaned.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        if cleaned.isEmpty { return "document" }
        guard cleaned.count > maxLength else { return cleaned }
        let ext = (cleaned as NSString).pathExtension
        let keep = ext.isEmpty || ext.count > 10 ? "" : "." + ext
        return String(cleaned.prefix(maxLength - keep.count)) + keep
    }
}
