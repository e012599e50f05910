/// CSI MasterFormat (2018) divisions, the codes bidders use to say what they build.
public struct Trade: Codable, Equatable, Sendable {
    public let code: String
    public let name: String
}

public enum Trades {
    public static let all: [Trade] = [
        ("01", "General Requirements"), ("02", "Existing Conditions"), ("03", "Concrete"), ("04", "Masonry"),
        ("05", "Metals"), ("06", "Wood, Plastics, and Composites"), ("07", "Thermal and Moisture Protection"),
        ("08", "Openings"), ("09", "Finishes"), ("10", "Specialties"), ("11", "Equipment"), ("12", "Furnishings"),
        ("13", "Special Construction"), ("14", "Conveying Equipment"), ("21", "Fire Suppression"),
        ("22", "Plumbing"), ("23", "Heating, Ventilating, and Air Conditioning (HVAC)"),
        ("25", "Integrated Automation"), ("26", "Electrical"), ("27", "Communications"),
        ("28", "Electronic Safety and Security"), ("31", "Earthwork"), ("32", "Exterior Improvements"),
        ("33", "Utilities"), ("34", "Transportation"), ("35", "Waterway and Marine Construction"),
        ("40", "Process Interconnections"), ("41", "Material Processing and Handling Equipment"),
        ("42", "Process Heating, Cooling, and Drying Equipment"),
        ("43", "Process Gas and Liquid Handling, Purification, and Storage Equipment"),
        ("44", "Pollution and Waste Control Equipment"), ("45", "Industry-Specific Manufacturing Equipment"),
        ("46", "Water and Wastewater Equipment"), ("48", "Electrical Power Generation")
    ].map { Trade(code: $0.0, name: $0.1) }

    public static let codes: Set<String> = Set(all.map(\.code))

    public static func name(of code: String) -> String? { all.first { $0.code == code }?.name }

    /// Checks a list of trade codes: known codes, no duplicates, at most `max` of them.
    public static func validate(_ field: String, _ values: [String], into errors: inout ValidationErrors, max: Int = 50)
    {
        if values.count > max { errors.add(field, "must have at most \(max) trades") }
        for (i, code) in values.enumerated() where !codes.contains(code) {
            errors.add("\(field)[\(i)]", "is not a known trade code (see GET /api/v1/trades)")
        }
        if Set(values).count != values.count { errors.add(field, "must not repeat a trade") }
    }
}

public enum USStates {
    public static let codes: Set<String> = [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
        "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
        "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI"
    ]

    public static func validate(_ field: String, _ values: [String], into errors: inout ValidationErrors) {
        for (i, code) in values.enumerated() where !codes.contains(code) {
            errors.add("\(field)[\(i)]", "is not a US state code such as \"CA\"")
        }
        if Set(values).count != values.count { errors.add(field, "must not repeat a state") }
    }
}
