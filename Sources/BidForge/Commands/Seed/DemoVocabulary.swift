/// Words that make demo data look like the construction industry.
enum DemoVocabulary {
    static let namePrefixes = [
        "Lone Star", "Summit", "Keystone", "Cascade", "Granite", "Ironwood", "Bluebonnet", "Redwood",
        "Pioneer", "Harbor", "Sagebrush", "Great Lakes", "Prairie", "Coastal", "Blue Ridge", "Mesa",
        "Evergreen", "Liberty", "Frontier", "Cornerstone", "Northstar", "Silver State", "Gulf Coast",
        "Tri-County", "Heartland", "Apex", "Benchmark", "Capitol", "Delta", "Magnolia"
    ]
    static let ownerKinds = [
        "Developments", "Properties", "Health System", "School District", "Holdings", "Realty Partners"
    ]
    static let generalKinds = ["Builders", "Construction", "Contracting", "General Contractors", "Building Group"]
    static let tradeKinds: [String: [String]] = [
        "03": ["Concrete", "Foundations"], "04": ["Masonry"], "05": ["Steel Erectors", "Metal Works"],
        "06": ["Carpentry", "Millwork"], "07": ["Roofing", "Waterproofing"],
        "08": ["Glass & Glazing", "Doors & Hardware"],
        "09": ["Drywall", "Painting", "Flooring"], "21": ["Fire Protection"], "22": ["Plumbing"],
        "23": ["Mechanical", "HVAC"],
        "26": ["Electric", "Electrical Contractors"], "27": ["Low Voltage"], "31": ["Excavation", "Earthworks"],
        "32": ["Paving", "Landscape"], "33": ["Utilities"]
    ]
    static let suffixes = ["LLC", "Inc.", "Co.", "Group", "& Sons", "Partners"]
    static let firstNames = [
        "Maria", "James", "Ana", "Robert", "Linh", "Michael", "Aisha", "David", "Sofia", "Daniel",
        "Priya", "Carlos", "Emily", "Kwame", "Hannah", "Luis", "Grace", "Omar", "Chloe", "Tyler"
    ]
    static let lastNames = [
        "Garcia", "Nguyen", "Smith", "Johnson", "Patel", "Martinez", "Brown", "Okafor", "Kim", "Lopez",
        "Williams", "Chen", "Davis", "Rodriguez", "Miller", "Hernandez", "Wilson", "Anderson"
    ]
    static let buildingTypes = [
        "Medical office building", "Elementary school", "Fire station", "Public library", "Warehouse",
        "Retail center", "Apartment complex", "Parking garage", "Community center", "Hotel",
        "Police headquarters", "Clinic", "Distribution center", "Middle school gymnasium", "Courthouse annex"
    ]
    static let scopes = [
        "renovation", "new construction", "tenant improvement", "addition", "roof replacement", "MEP upgrade",
        "seismic retrofit", "interior fit-out", "site work", "expansion"
    ]
    static let cities: [(String, String, String)] = [
        ("Austin", "TX", "78701"), ("Houston", "TX", "77002"), ("Dallas", "TX", "75201"), ("Phoenix", "AZ", "85004"),
        ("Denver", "CO", "80202"), ("Sacramento", "CA", "95814"), ("Fresno", "CA", "93721"),
        ("Portland", "OR", "97204"),
        ("Seattle", "WA", "98104"), ("Boise", "ID", "83702"), ("Salt Lake City", "UT", "84111"),
        ("Albuquerque", "NM", "87102"),
        ("Omaha", "NE", "68102"), ("Kansas City", "MO", "64106"), ("Chicago", "IL", "60602"),
        ("Columbus", "OH", "43215"),
        ("Atlanta", "GA", "30303"), ("Charlotte", "NC", "28202"), ("Nashville", "TN", "37219"),
        ("Tampa", "FL", "33602"),
        ("Richmond", "VA", "23219"), ("Pittsburgh", "PA", "15222"), ("Albany", "NY", "12207"), ("Boston", "MA", "02108")
    ]
    static let exclusions = [
        "Permits and fees", "Bonds", "Winter conditions", "Hazardous material abatement", "Utility connection fees",
        "Overtime work", "Temporary power", "Testing and inspections", "Landscaping", "Furniture"
    ]
    static let units = ["LS", "SF", "LF", "CY", "EA", "TON", "HR"]
    static let questions = [
        "Is the existing slab to remain?", "Can you confirm the panel schedule on E-401?",
        "Are night shifts allowed for the tie-in?", "Who provides the dumpsters?",
        "Is there a preferred manufacturer for the RTUs?", "Will the owner furnish the door hardware?",
        "What is the liquidated damages rate?", "Is a builder's risk policy required from subcontractors?"
    ]
    static let answers = [
        "Yes, see addendum 1.", "Confirmed; use the revised sheet.", "Only between 10 pm and 5 am.",
        "The general contractor provides them.", "Basis of design is listed in section 23 74 00.",
        "No, carry it in your price."
    ]
}
