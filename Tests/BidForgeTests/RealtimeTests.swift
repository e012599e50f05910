import Foundation
import NIOWebSocket
import Testing
import Vapor

@testable import BidForge

@Suite struct RealtimeTests {
    @Test func bidsReachTheOwnersSocketsAndNobodyElses() async throws {
        try await TestApp.run { t in
            let port = try await t.startServer()
            let owner = try await t.register(.owner)
            let colleague = try await t.join(owner, role: .owner)
            let sub = try await t.register(.subcontractor)
            let outsider = try await t.register(.contractor)
            let project = try await t.openProject(owner)
            let ownerSocket = try await SocketProbe.connect(port: port, token: owner.token)
            let colleagueSocket = try await SocketProbe.connect(port: port, token: colleague.token)
            let subSocket = try await SocketProbe.connect(port: port, token: sub.token)
            let outsiderSocket = try await SocketProbe.connect(port: port, token: outsider.token)
            await t.waitForSockets(4)

            let bidId = try await t.submitBid(sub, on: project)
            for socket in [ownerSocket, colleagueSocket] {
                let got = await socket.wait { frames in
                    frames.contains { $0["type"].string == "bid.submitted" }
                        && frames.contains { $0["type"].string == "notification.created" }
                }
                #expect(got)
                let pushed = socket.frames.first { $0["type"].string == "bid.submitted" }
                #expect(pushed?["data"]["bidId"].string == bidId.lowercasedString && pushed?["eventId"].int != nil)
                #expect(
                    socket.frames.first { $0["type"].string == "notification.created" }?["data"]["type"].string
                        == "BID_SUBMITTED")
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(subSocket.frames.isEmpty && outsiderSocket.frames.isEmpty)
            for socket in [ownerSocket, colleagueSocket, subSocket, outsiderSocket] { await socket.close() }
        }
    }

    @Test func messagesReachBothCompaniesOnly() async throws {
        try await TestApp.run { t in
            let port = try await t.startServer()
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let outsider = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let conversation = try #require(
                try await t.request(
                    .POST, "/api/v1/conversations", token: sub.token,
                    body: ["projectId": project.uuidString]
                ).json["id"].string)
            let sockets = [
                try await SocketProbe.connect(port: port, token: owner.token),
                try await SocketProbe.connect(port: port, token: sub.token),
                try await SocketProbe.connect(port: port, token: outsider.token)
            ]
            await t.waitForSockets(3)
            _ = try await t.request(
                .POST, "/api/v1/conversations/\(conversation)/messages", token: sub.token,
                body: ["body": "Site visit at 9?"])
            for socket in sockets.prefix(2) {
                #expect(
                    await socket.wait {
                        $0.contains {
                            $0["type"].string == "message.created" && $0["data"]["body"].string == "Site visit at 9?"
                        }
                    })
            }
            #expect(
                await sockets[0].wait { $0.contains { $0["data"]["type"].string == "MESSAGE_RECEIVED" } },
                "the owner is notified too")
            try await Task.sleep(for: .milliseconds(200))
            #expect(sockets[2].frames.isEmpty)
            for socket in sockets { await socket.close() }
        }
    }

    @Test func ticketsAreSingleUseAndShortLived() async throws {
        try await TestApp.run { t in
            let port = try await t.startServer()
            let owner = try await t.register(.owner)
            let issued = try await t.request(.POST, "/api/v1/realtime/tickets", token: owner.token)
            #expect(issued.status == .created && issued.json["expiresAt"].string != nil)
            let ticket = try #require(issued.json["ticket"].string)
            let socket = try await SocketProbe.connect(port: port, path: "/api/v1/realtime?ticket=\(ticket)")
            await t.waitForSockets(1)
            #expect(t.app.realtimeHub.connectedCount == 1)
            await #expect(throws: (any Error).self) {
                try await SocketProbe.connect(port: port, path: "/api/v1/realtime?ticket=\(ticket)")
            }
            let late = try #require(
                try await t.request(.POST, "/api/v1/realtime/tickets", token: owner.token).json["ticket"].string)
            t.clock.advance(by: 61)
            await #expect(throws: (any Error).self) {
                try await SocketProbe.connect(port: port, path: "/api/v1/realtime?ticket=\(late)")
            }
            await #expect(throws: (any Error).self) { try await SocketProbe.connect(port: port) }
            await #expect(throws: (any Error).self) {
                try await SocketProbe.connect(port: port, path: "/api/v1/realtime?ticket=forged")
            }
            #expect(try await t.request(.POST, "/api/v1/realtime/tickets").status == .unauthorized)
            await socket.close()
        }
    }

    @Test func anExpiredSessionClosesTheSocketWith4001() async throws {
        try await TestApp.run { t in
            let port = try await t.startServer()
            let owner = try await t.register(.owner)
            let socket = try await SocketProbe.connect(port: port, token: owner.token)
            await t.waitForSockets(1)
            t.clock.advance(by: Double(t.app.settings.accessTokenTTLSeconds) + 1)
            #expect(await socket.waitForClose())
            #expect(socket.closeCode == .unknown(4001))
            await t.waitForSockets(0)
            #expect(t.app.realtimeHub.connectedCount == 0)
        }
    }

    /// A page's socket once kept receiving notifications after sign-out, until the session's 14-day expiry. Ending a
    /// sign-in (a browser sign-out, an API logout, a refresh family revoked on reuse) now closes the sockets opened
    /// through it — and only those.
    @Test func endingASignInClosesItsSockets() async throws {
        try await TestApp.run { t in
            let port = try await t.startServer()
            let owner = try await t.register(.owner)
            let page = try await WebBrowser.signedIn(t, as: owner)
            let cookie = page.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            let ticket = try #require(
                try await t.request(.POST, "/live/ticket", headers: ["Cookie": cookie, "X-CSRF-Token": page.csrf ?? ""])
                    .json["ticket"].string)
            let browserSocket = try await SocketProbe.connect(port: port, path: "/api/v1/realtime?ticket=\(ticket)")
            let spareTicket = try #require(
                try await t.request(.POST, "/live/ticket", headers: ["Cookie": cookie, "X-CSRF-Token": page.csrf ?? ""])
                    .json["ticket"].string)
            let apiSocket = try await SocketProbe.connect(port: port, token: owner.token)
            let otherLogin = try await t.relogin(owner)
            let otherSocket = try await SocketProbe.connect(port: port, token: otherLogin.token)
            await t.waitForSockets(3)

            #expect(try await page.post("/logout", []).status == .seeOther)
            #expect(await browserSocket.waitForClose())
            #expect(browserSocket.closeCode == .unknown(4001))
            #expect(!apiSocket.didClose && !otherSocket.didClose, "other sign-ins keep their sockets")
            await #expect(throws: (any Error).self, "a ticket minted before the sign-out opens nothing after it") {
                try await SocketProbe.connect(port: port, path: "/api/v1/realtime?ticket=\(spareTicket)")
            }

            #expect(
                try await t.request(
                    .POST, "/api/v1/auth/logout", token: owner.token, body: ["refreshToken": owner.refreshToken]
                ).status == .noContent)
            #expect(await apiSocket.waitForClose())
            #expect(apiSocket.closeCode == .unknown(4001))
            await #expect(throws: (any Error).self, "the signed-out access token opens no new socket") {
                try await SocketProbe.connect(port: port, token: owner.token)
            }
            await t.waitForSockets(1)
            #expect(!otherSocket.didClose)

            // A refresh token used twice revokes its family: that sign-in's socket closes too.
            let rotated = try await t.request(
                .POST, "/api/v1/auth/refresh", body: ["refreshToken": otherLogin.refreshToken])
            #expect(rotated.status == .ok)
            let rotatedSocket = try await SocketProbe.connect(
                port: port, token: rotated.json["accessToken"].string ?? "")
            await t.waitForSockets(2)
            #expect(
                try await t.request(.POST, "/api/v1/auth/refresh", body: ["refreshToken": otherLogin.refreshToken])
                    .status == .unauthorized)
            #expect(await otherSocket.waitForClose())
            #expect(await rotatedSocket.waitForClose())
            await t.waitForSockets(0)
        }
    }

    @Test func reconnectingWithSinceReplaysWhatWasMissed() async throws {
        try await TestApp.run { t in
            let port = try await t.startServer()
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let first = try await SocketProbe.connect(port: port, token: owner.token)
            await t.waitForSockets(1)
            _ = try await t.submitBid(sub, on: project)
            #expect(await first.wait { $0.contains { $0["type"].string == "bid.submitted" } })
            let seen = try #require(first.frames.compactMap { $0["eventId"].int }.max())
            await first.close()
            await t.waitForSockets(0)

            // Missed while offline: a question and a revision.
            _ = try await t.request(
                .POST, "/api/v1/projects/\(project)/questions", token: sub.token, body: ["body": "Rebar spec?"])
            let again = try await SocketProbe.connect(
                port: port, path: "/api/v1/realtime?since=\(seen)", token: owner.token)
            #expect(await again.wait { $0.contains { $0["data"]["type"].string == "QUESTION_ASKED" } })
            #expect(again.frames.allSatisfy { ($0["eventId"].int ?? 0) > seen }, "nothing already seen is replayed")
            let bad = try await t.request(.GET, "/api/v1/realtime?since=abc", token: owner.token)
            #expect(bad.errorCode == "VALIDATION_FAILED")
            await again.close()
        }
    }

    @Test func aClientThatCannotKeepUpIsClosedAndOthersStillReceive() async throws {
        try await TestApp.run(environment: ["REALTIME_QUEUE_LIMIT": "2"]) { t in
            let port = try await t.startServer()
            let slow = try await t.register(.owner)
            let other = try await t.register(.owner)
            let slowSocket = try await SocketProbe.connect(port: port, token: slow.token)
            let otherSocket = try await SocketProbe.connect(port: port, token: other.token)
            await t.waitForSockets(2)
            // A burst far faster than any socket drains: the slow user's queue of 2 overflows.
            for n in 0..<5_000 {
                t.app.realtimeHub.route(
                    Delivery(
                        eventId: Int64(n), type: "project.updated", companyIds: [slow.companyId], data: .object([:])))
            }
            t.app.realtimeHub.route(
                Delivery(eventId: 9_999, type: "project.updated", companyIds: [other.companyId], data: ["ok": true]))
            #expect(await slowSocket.waitForClose())
            #expect(slowSocket.closeCode == .unknown(1013))
            #expect(await otherSocket.wait { $0.contains { $0["eventId"].int == 9_999 } })
            await otherSocket.close()
        }
    }

    @Test func projectChangesArePushedToInviteesAndBiddersOnly() async throws {
        try await TestApp.run { t in
            let port = try await t.startServer()
            let owner = try await t.register(.owner)
            let invitee = try await t.register(.subcontractor)
            let bidder = try await t.register(.subcontractor)
            let bystander = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            _ = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": [invitee.companyId.uuidString]])
            _ = try await t.submitBid(bidder, on: project)
            let sockets = [
                try await SocketProbe.connect(port: port, token: invitee.token),
                try await SocketProbe.connect(port: port, token: bidder.token),
                try await SocketProbe.connect(port: port, token: bystander.token)
            ]
            await t.waitForSockets(3)
            try await t.close(owner, project)
            for socket in sockets.prefix(2) {
                #expect(
                    await socket.wait {
                        $0.contains {
                            $0["type"].string == "project.updated" && $0["data"]["status"].string == "CLOSED"
                        }
                    })
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(sockets[2].frames.isEmpty)
            for socket in sockets { await socket.close() }
        }
    }

    @Test func anExpiredOrForgedTokenCannotOpenASocket() async throws {
        try await TestApp.run { t in
            let port = try await t.startServer()
            let owner = try await t.register(.owner)
            await #expect(throws: (any Error).self) {
                try await SocketProbe.connect(port: port, token: owner.token + "x")
            }
            t.clock.advance(by: Double(t.app.settings.accessTokenTTLSeconds) + 1)
            await #expect(throws: (any Error).self) { try await SocketProbe.connect(port: port, token: owner.token) }
            #expect(t.app.realtimeHub.connectedCount == 0)
        }
    }
}
