import Vapor

/// Form bodies as people type them: Vapor's default form decoder splits values at commas and bars into lists, which
/// would turn "$12,500.00" or "Clinic, phase 2" into two values. Lists come only from repeated `name[]` fields here.
enum WebForms {
    static let decoder = URLEncodedFormDecoder(configuration: .init(arraySeparators: []))

    /// The form, or an empty one (every field optional) when the body is missing or not a form.
    static func decode<Form: Decodable>(_ type: Form.Type, from req: Request, orElse empty: @autoclosure () -> Form) -> Form {
        (try? req.content.decode(Form.self, using: decoder)) ?? empty()
    }
}
