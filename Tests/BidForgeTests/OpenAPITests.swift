import Foundation
import OpenAPIKit
import Testing
import Vapor

@testable import BidForge

@Suite struct OpenAPITests {
    /// `/api/v1/projects/:projectID` → `/api/v1/projects/{projectID}`
    static func openAPIPath(_ route: Route) -> String {
        "/"
            + route.path.map { component -> String in
                switch component {
                case .parameter(let name): "{\(name)}"
                case .constant(let value): value
                case .anything: "*"
                case .catchall: "**"
                }
            }.joined(separator: "/")
    }

    @Test func everyRegisteredRouteIsDocumentedAndNothingElse() async throws {
        try await TestApp.run { t in
            let r = try await t.request(.GET, "/openapi.json")
            #expect(r.status == .ok)
            #expect(r.json["openapi"].string == "3.1.0")
            let paths = r.json["paths"]
            var registered = Set<String>()
            for route in t.app.routes.all where route.userInfo[pageRouteKey] as? Bool != true {
                let path = Self.openAPIPath(route)
                let method = route.method.rawValue.lowercased()
                registered.insert("\(method) \(path)")
                let op = paths[path][method]
                #expect(!op.isNull, "route \(method.uppercased()) \(path) is missing from /openapi.json")
                #expect(!op["responses"].isNull, "\(method) \(path) has no responses")
                let pathParameters = path.split(separator: "/").filter { $0.hasPrefix("{") }.map {
                    String($0.dropFirst().dropLast())
                }
                for name in pathParameters {
                    #expect(
                        op["parameters"].array.contains { $0["name"].string == name && $0["in"].string == "path" },
                        "\(method) \(path) does not declare path parameter \(name)")
                }
            }
            var documented = Set<String>()
            for path in paths.keys { for method in paths[path].keys { documented.insert("\(method) \(path)") } }
            #expect(
                documented.subtracting(registered).isEmpty,
                "documented but not registered: \(documented.subtracting(registered))")
            let ids = documented.map { d -> String in
                let parts = d.split(separator: " ", maxSplits: 1)
                return paths[String(parts[1])][String(parts[0])]["operationId"].string ?? ""
            }
            #expect(Set(ids).count == ids.count, "operationIds must be unique")
        }
    }

    /// OpenAPIKit's own validation: references resolve, operation ids are unique, every path parameter is declared,
    /// every operation has responses; and each operation documents a success answer, its errors with the error shape,
    /// and a request body where it takes one.
    @Test func theDocumentValidatesAndEveryOperationIsComplete() throws {
        let document = try OpenAPIDocument.document()
        _ = try document.validate()
        for op in OpenAPIDocument.operations {
            let item = try #require(document.paths[OpenAPI.Path(rawValue: op.path)]?.pathItemValue, "\(op.path)")
            let method = try #require(OpenAPI.BuiltinHttpMethod(rawValue: op.method.rawValue))
            let described = try #require(item[.builtin(method)], "\(op.method) \(op.path)")
            #expect(
                described.responses.keys.contains { $0.isSuccess || $0.rawValue == "101" },
                "\(op.method) \(op.path) has no success answer")
            let errors = described.responses.filter {
                !$0.key.isSuccess && ($0.key.rawValue.first == "4" || $0.key.rawValue.first == "5")
            }
            #expect(!errors.isEmpty, "\(op.method) \(op.path) documents no error")
            if [.POST, .PUT, .PATCH].contains(op.method), op.success.status != 204, op.body == nil {
                // A write without a body names its subject in the path (publish, withdraw, read…).
                #expect(
                    !op.pathParameters.isEmpty || op.path.hasSuffix("read-all") || op.path.hasSuffix("tickets"),
                    "\(op.method) \(op.path) takes no body and names nothing")
            }
        }
    }

    @Test func everyReferenceResolves() throws {
        let data = try OpenAPIDocument.json()
        let text = String(decoding: data, as: UTF8.self)
        let doc = J(try JSONDecoder().decode(JSONValue.self, from: data))
        let schemas = Set(doc["components"]["schemas"].keys)
        let refs = text.components(separatedBy: "\"$ref\":\"#/components/schemas/").dropFirst().map {
            $0.prefix { $0 != "\"" }
        }
        #expect(!refs.isEmpty)
        for ref in refs { #expect(schemas.contains(String(ref)), "unresolved $ref \(ref)") }
    }

    @Test func bodiesMatchTheirSchemasRequiredKeys() async throws {
        // A spot check that the document describes what the server really sends.
        try await TestApp.run { t in
            let doc = J(try JSONDecoder().decode(JSONValue.self, from: try OpenAPIDocument.json()))
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let bid = try await t.bid(sub, on: project)
            let samples: [(String, J)] = [
                ("Project", try await t.request(.GET, "/api/v1/projects/\(project)").json),
                ("Bid", bid.json),
                ("Me", try await t.request(.GET, "/api/v1/me", token: owner.token).json),
                ("Notification", try await t.notifications(owner)[0]),
                ("Error", try await t.request(.GET, "/api/v1/me").json)
            ]
            for (schema, body) in samples {
                let required = doc["components"]["schemas"][schema]["required"].array.compactMap(\.string)
                #expect(!required.isEmpty)
                for key in required { #expect(body.keys.contains(key), "\(schema) response lacks required \(key)") }
            }
        }
    }
}

@Suite struct DocumentSchemaTests {
    @Test func documentAndActivityBodiesCarryTheirRequiredKeys() async throws {
        try await TestApp.run { t in
            let doc = J(try JSONDecoder().decode(JSONValue.self, from: try OpenAPIDocument.json()))
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            let uploaded = try await t.upload(owner, to: project, Samples.pdf(300))
            let samples: [(String, J)] = [
                ("Document", uploaded.json),
                (
                    "DocumentActivity",
                    try await t.request(.GET, "/api/v1/projects/\(project)/documents/activity", token: owner.token).json
                )
            ]
            for (schema, body) in samples {
                let required = doc["components"]["schemas"][schema]["required"].array.compactMap(\.string)
                #expect(!required.isEmpty)
                for key in required { #expect(body.keys.contains(key), "\(schema) response lacks required \(key)") }
            }
            let upload = doc["paths"]["/api/v1/projects/{projectID}/documents"]["post"]
            #expect(
                upload["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].string
                    == "#/components/schemas/DocumentUpload")
            #expect(
                doc["paths"]["/api/v1/documents/{documentID}/content"]["get"]["responses"]["206"]["description"].string
                    != nil)
        }
    }
}
