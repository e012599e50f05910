import Foundation
import Testing

@testable import BidForge

@Suite struct SettingsTests {
    @Test func defaultsNeedNoEnvironment() throws {
        let s = try Settings.fromEnvironment([:])
        #expect(s.environment == .development)
        #expect(s.database == .sqliteFile(path: "./data/bidforge.sqlite"))
        #expect(s.jwtSecret == nil)  // generated into ./data at start-up
        #expect(s.host == "127.0.0.1" && s.port == 8080)
        #expect(s.bcryptCost == 12)
        #expect(s.autoMigrate)
        #expect(s.accessTokenTTLSeconds == 900)
        #expect(s.maxJSONBodyBytes == 1 << 20)
    }

    @Test func replicasNeedPostgresAWellFormedURLAndAWindowLongerThanTheirLag() throws {
        let pg = "postgres://u@127.0.0.1:5432/db"
        let ok = try Settings.fromEnvironment([
            "DATABASE_URL": pg, "DATABASE_REPLICA_URLS": " postgres://u@r1:5432/db , postgres://u@r2:5432/db ,"
        ])
        #expect(ok.databaseReplicaURLs == ["postgres://u@r1:5432/db", "postgres://u@r2:5432/db"])
        #expect(ok.replicaMaxLagMilliseconds == 1000 && ok.consistencyWindowSeconds == 60)
        func problems(_ env: [String: String]) -> [String] {
            do {
                _ = try Settings.fromEnvironment(env)
                return []
            } catch let problems as Settings.Problems {
                return problems.messages
            } catch {
                return ["\(error)"]
            }
        }
        #expect(problems(["DATABASE_REPLICA_URLS": pg]).contains { $0.contains("needs a PostgreSQL DATABASE_URL") })
        #expect(
            problems(["DATABASE_URL": pg, "DATABASE_REPLICA_URLS": "sqlite://x.sqlite"]).contains {
                $0.contains("each replica must look like postgres://")
            })
        #expect(
            problems(["DATABASE_URL": pg, "REPLICA_MAX_LAG_MS": "5000", "CONSISTENCY_WINDOW_SECONDS": "5"]).contains {
                $0.contains("CONSISTENCY_WINDOW_SECONDS (5) must be longer than REPLICA_MAX_LAG_MS")
            })
    }

    @Test func databaseURLForms() throws {
        #expect(
            try Settings.fromEnvironment(["DATABASE_URL": "sqlite:///srv/bidforge.sqlite"]).database
                == .sqliteFile(path: "/srv/bidforge.sqlite"))
        #expect(
            try Settings.fromEnvironment(["DATABASE_URL": "sqlite://data/dev.sqlite"]).database
                == .sqliteFile(path: "data/dev.sqlite"))
        #expect(try Settings.fromEnvironment(["DATABASE_URL": "sqlite::memory:"]).database == .sqliteMemory)
        let pg = try Settings.fromEnvironment(["DATABASE_URL": "postgres://bf:secret@db.internal:5432/bidforge"])
        #expect(pg.database == .postgres(url: "postgres://bf:secret@db.internal:5432/bidforge"))
        #expect(pg.database.isPostgres)
        #expect(throws: Settings.Problems.self) { try Settings.fromEnvironment(["DATABASE_URL": "mysql://x@y/z"]) }
    }

    @Test func productionRefusesToStartWithoutASecretAndSaysWhich() {
        do {
            _ = try Settings.fromEnvironment(["APP_ENV": "production", "BCRYPT_COST": "10", "PORT": "http"])
            Issue.record("production started without JWT_SECRET")
        } catch let problems as Settings.Problems {
            let text = problems.description
            #expect(text.contains("JWT_SECRET"))
            #expect(text.contains("BCRYPT_COST"))
            #expect(text.contains("PORT"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        let short = Result { try Settings.fromEnvironment(["APP_ENV": "production", "JWT_SECRET": "short"]) }
        #expect((try? short.get()) == nil)
        #expect(
            (try? Settings.fromEnvironment(["JWT_SECRET": "short"])) == nil,
            "a short secret is refused in development too")
        let ok = try? Settings.fromEnvironment([
            "APP_ENV": "production", "JWT_SECRET": String(repeating: "k", count: 48)
        ])
        #expect(ok?.autoMigrate == false)
        #expect(ok?.logFormat == .json)
        #expect(
            (try? Settings.fromEnvironment(["LOG_FORMAT": "json", "INSTANCE_ID": "api-2"]))?.instanceName == "api-2")
        #expect((try? Settings.fromEnvironment([:]))?.logFormat == .text)
        #expect(throws: Settings.Problems.self) { try Settings.fromEnvironment(["LOG_FORMAT": "xml"]) }
        // An idle timeout at or below the ping interval would cut quiet live sockets.
        #expect(throws: Settings.Problems.self) { try Settings.fromEnvironment(["HTTP_IDLE_TIMEOUT_SECONDS": "30"]) }
        #expect((try? Settings.fromEnvironment(["HTTP_IDLE_TIMEOUT_SECONDS": "31"]))?.httpIdleTimeoutSeconds == 31)
        #expect((try? Settings.fromEnvironment([:]))?.healthCheckTimeoutMilliseconds == 2000)
        #expect(throws: Settings.Problems.self) { try Settings.fromEnvironment(["HEALTH_CHECK_TIMEOUT_MS": "10"]) }
    }

    @Test func developmentSecretIsGeneratedOnceAndKept() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bf-secret-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try DevelopmentSecret.loadOrCreate(in: dir)
        let second = try DevelopmentSecret.loadOrCreate(in: dir)
        #expect(first == second && first.count >= 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/jwt-secret")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
