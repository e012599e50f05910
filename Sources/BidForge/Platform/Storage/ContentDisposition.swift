import Foundation

/// `Content-Disposition` for a download: an ASCII fallback name and the real one in RFC 5987 form, so a plan called
/// "Plän – Level 2.pdf" arrives with its name on every browser.
enum ContentDisposition {
    static func attachment(_ filename: String) -> String { header("attachment", filename) }
    static func inline(_ filename: String) -> String { header("inline", filename) }

    private static func header(_ type: String, _ filename: String) -> String {
        let ascii = String(
            filename.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" ? Character(scalar) : "_"
            })
        let allowed = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
        return "\(type); filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}
