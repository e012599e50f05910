import Vapor

/// Form bodies as people type them: Vapor's default form decoder splits values at commas and bars into lists, which
/// would turn "$12,500.00" or "Clinic, phase 2" into two values. Lists come only from repeated `name[]` fields here.
enum WebForms {
    static let decoder = URLEncodedFormDecoder(configuration: .init(arraySeparators: []))

    /// More fields than any page's form has (a bid of 500 lines has about 2,500). Vapor's form decoder takes time that
    /// grows with the square of the fields: a 1 MB body of empty fields once held an event loop for minutes.
    static let maxFields = 3_000

    /// The form, or an empty one (every field optional) when the body is missing or not a form; 413 for more fields
    /// than any form here, counted before anything is parsed.
    static func decode<Form: Decodable>(_ type: Form.Type, from req: Request, orElse empty: @autoclosure () -> Form)
        throws -> Form
    {
        guard let body = req.body.data else { return empty() }
        guard body.readableBytesView.lazy.filter({ $0 == UInt8(ascii: "&") }).count < maxFields else {
            throw APIError(
                .payloadTooLarge, "PAYLOAD_TOO_LARGE",
                "This form has more fields than any BidForge form (at most \(maxFields)).")
        }
        return (try? req.content.decode(Form.self, using: decoder)) ?? empty()
    }
}
