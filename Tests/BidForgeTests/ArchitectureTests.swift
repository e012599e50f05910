import Foundation
import Testing
import Vapor

@testable import BidForge

/// The layering rules, checked on the sources and on the routes: `Platform/` knows no feature, every page post goes
/// through the page-form helper.
@Suite struct ArchitectureTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/BidForge")

    static func swiftFiles(under folder: String) throws -> [URL] {
        let root = sources.appendingPathComponent(folder)
        let walker = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
    }

    /// Top-level type names a folder declares (nested types are not counted: `State` inside a feature type is local).
    static func declaredTypes(under folder: String) throws -> Set<String> {
        let declaration = try Regex(
            #"^(?:public |final |private |fileprivate |internal )*(?:struct|enum|class|protocol|actor|typealias)\s+([A-Z]\w*)"#
        )
        .anchorsMatchLineEndings()
        var names: Set<String> = []
        for file in try swiftFiles(under: folder) {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: declaration) {
                if let name = match.output[1].substring { names.insert(String(name)) }
            }
        }
        return names
    }

    /// The identifiers a file uses, without its comments and string literals.
    static func identifiers(in file: URL) throws -> Set<String> {
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacing(try Regex(#"//[^\n]*"#), with: "")
        text = text.replacing(try Regex(#""(?:[^"\\\n]|\\.)*""#), with: "\"\"")
        return Set(text.matches(of: try Regex(#"\b[A-Z]\w*"#)).map { String(text[$0.range]) })
    }

    @Test func platformNamesNoFeature() throws {
        let featureTypes = try Self.declaredTypes(under: "Features").union(Self.declaredTypes(under: "Domain"))
        #expect(featureTypes.contains("BidModel") && featureTypes.contains("DomainEvent"), "the scan sees the features")
        var offenders: [String] = []
        for file in try Self.swiftFiles(under: "Platform") {
            let named = try Self.identifiers(in: file).intersection(featureTypes)
            if !named.isEmpty {
                offenders.append("\(file.lastPathComponent): \(named.sorted().joined(separator: ", "))")
            }
        }
        #expect(offenders.isEmpty, "Platform/ must not name feature types: \(offenders)")
    }

    @Test func theScanCatchesAFeatureNamedInPlatform() throws {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID()).swift")
        try "// BidModel in a comment is fine\nlet x = \"ProjectModel in a string too\"\nfunc f(_ b: BidModel) {}\n"
            .write(to: probe, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: probe) }
        #expect(try Self.identifiers(in: probe).intersection(["BidModel", "ProjectModel"]) == ["BidModel"])
    }

    @Test func everyPagePostGoesThroughTheFormHelper() async throws {
        try await TestApp.run { t in
            let posts = t.app.routes.all.filter { $0.method == .POST && $0.userInfo[pageRouteKey] as? Bool == true }
            #expect(posts.count >= 20, "the page routes are registered")
            let bypassing = posts.filter { $0.userInfo[pageFormRouteKey] as? Bool != true }
                .map { $0.path.map(\.description).joined(separator: "/") }
            #expect(bypassing.isEmpty, "page posts that check session, form and CSRF on their own: \(bypassing)")
        }
    }
}
