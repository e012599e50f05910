import OpenAPIKit

/// Small builders for the JSON Schemas of the API, so each feature's description reads like the contract.
/// Properties of an `object` are optional unless named in `required`.
enum S {
    static func ref(_ name: String) -> JSONSchema { .reference(.component(named: name)) }
    static let string = JSONSchema.string
    static let uuid = JSONSchema.string(format: .uuid)
    static let time = JSONSchema.string(format: .dateTime, examples: ["2026-11-26T19:00:00Z"])
    static let int = JSONSchema.integer(format: .int64)
    static let number = JSONSchema.number
    static let bool = JSONSchema.boolean
    /// Any JSON object (its keys are described in prose).
    static let anyObject = JSONSchema.object
    static let cents = JSONSchema.integer(
        format: .int64, description: "Money in integer cents.",
        maximum: (100_000_000_000_000, exclusive: false), minimum: (0, exclusive: false))
    static let state = JSONSchema.string(description: "US state code", pattern: "^[A-Z]{2}$")
    static let tradeCodes = array(.string(description: "CSI MasterFormat division code", pattern: "^[0-9]{2}$"))

    static func text(_ min: Int, _ max: Int) -> JSONSchema { .string(minLength: min, maxLength: max) }
    static func pattern(_ pattern: String) -> JSONSchema { .string(pattern: pattern) }
    static func integer(min: Int? = nil, max: Int? = nil) -> JSONSchema {
        .integer(maximum: max.map { ($0, exclusive: false) }, minimum: min.map { ($0, exclusive: false) })
    }
    static func enumeration(_ values: [String]) -> JSONSchema { .string(allowedValues: values.map { AnyCodable($0) }) }
    static func array(_ items: JSONSchema, maxItems: Int? = nil) -> JSONSchema {
        .array(maxItems: maxItems, items: items)
    }
    static func nullable(_ schema: JSONSchema) -> JSONSchema { .one(of: schema, .null()) }
    /// An object whose keys are data (a map), every value of `values`.
    static func map(_ values: JSONSchema) -> JSONSchema { .object(additionalProperties: .b(values)) }

    static func object(_ properties: [String: JSONSchema], required: Set<String> = [], description: String? = nil)
        -> JSONSchema
    {
        precondition(required.isSubset(of: properties.keys), "required names a property the object does not have")
        var ordered = OrderedDictionary<String, JSONSchema>()
        for (name, schema) in properties.sorted(by: { $0.key < $1.key }) {
            ordered[name] = required.contains(name) ? schema.requiredSchemaObject() : schema.optionalSchemaObject()
        }
        return .object(description: description, properties: ordered)
    }

    /// The list shape: `{data: [item], pagination}`.
    static func page(_ item: String) -> JSONSchema {
        object(["data": array(ref(item)), "pagination": ref("Pagination")], required: ["data", "pagination"])
    }
}

extension JSONSchema {
    func described(_ description: String) -> JSONSchema { with(description: description) }
}
