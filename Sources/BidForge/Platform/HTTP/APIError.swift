import BidForgeCore
import Vapor

/// A JSON value for error details and free-form notification data.
public enum JSONValue: Codable, Equatable, Sendable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let v): try c.encode(v)
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .array(let v): try c.encode(v)
        case .object(let v): try c.encode(v)
        case .null: try c.encodeNil()
        }
    }
}

/// Every failure a client sees: an HTTP status, a stable SNAKE_CASE code, a sentence, and optional details.
public struct APIError: Error, Sendable {
    public var status: HTTPResponseStatus
    public var code: String
    public var message: String
    public var details: [String: JSONValue]?
    public var headers: HTTPHeaders = [:]

    public init(_ status: HTTPResponseStatus, _ code: String, _ message: String, details: [String: JSONValue]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public static func notFound(_ what: String = "Resource") -> APIError {
        APIError(.notFound, "NOT_FOUND", "\(what) not found.")
    }

    public static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, "FORBIDDEN", message)
    }

    public static let unauthenticated = APIError(.unauthorized, "UNAUTHENTICATED", "A valid access token is required.")

    public static func validation(_ errors: ValidationErrors) -> APIError {
        APIError(
            .badRequest, "VALIDATION_FAILED", "The request has invalid fields.",
            details: errors.problems.mapValues { .string($0) })
    }

    public static func validation(_ field: String, _ problem: String) -> APIError {
        var errors = ValidationErrors()
        errors.add(field, problem)
        return validation(errors)
    }

    public static func badRequest(_ message: String) -> APIError {
        APIError(.badRequest, "VALIDATION_FAILED", message)
    }

    public static func conflict(_ code: String, _ message: String) -> APIError {
        APIError(.conflict, code, message)
    }

    public static func invalidTransition(from: String, action: String) -> APIError {
        APIError(
            .conflict, "INVALID_TRANSITION", "Cannot \(action) when the status is \(from).",
            details: ["status": .string(from), "action": .string(action)])
    }

    public static func planLimit(_ exceeded: PlanLimitExceeded) -> APIError {
        APIError(
            .paymentRequired, "PLAN_LIMIT_REACHED",
            "The \(exceeded.plan.rawValue) plan allows \(exceeded.limit) \(exceeded.resource); upgrade to go further.",
            details: [
                "plan": .string(exceeded.plan.rawValue), "limit": .int(Int64(exceeded.limit)),
                "used": .int(Int64(exceeded.used))
            ])
    }

    public static let unavailable = APIError(
        .serviceUnavailable, "UNAVAILABLE",
        "The service is briefly unavailable; please retry.")
}

struct ErrorBody: Encodable {
    struct Inner: Encodable {
        let code: String
        let message: String
        let details: [String: JSONValue]?
    }
    let error: Inner
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
