import OpenAPIKit

/// Plans and specs: upload, list, download, delete, and who downloaded what.
enum DocumentsAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .POST, "/api/v1/projects/{projectID}/documents",
            "Upload a document (owner company); on an OPEN project it is the next addendum",
            body: "DocumentUpload", bodyContentType: .multipartForm, success: (201, "Document"),
            errors: [400, 401, 403, 404, 409, 413, 415], idempotent: true,
            notes:
                "Streamed to storage as it arrives (never held whole), hashed (sha256) on the way. Fields: `file`, an optional `title` (at most 2 KiB) and an optional `replaces` (the id of a current document of the project: on DRAFT the old one is deleted, on OPEN this upload is the next addendum and the old one is marked supersededAt; CLOSED 409) — any other field, a repeated one or more than 5 parts is 400 at once; AWARDED or CANCELLED projects take no documents (409); the whole body, announced or chunked, may be the plan limit plus 64 KiB (413 beyond). OPEN project: addendumNumber = addendumCount + 1 and every invited or bidding company gets ADDENDUM_ISSUED. DRAFT, CLOSED or AWARDED: stored without an addendum. CANCELLED: 409 INVALID_TRANSITION. A Content-Length over the plan limit is refused at once with `Connection: close`. Idempotency-Key compares the file's hash, name and title."
        ),
        .init(
            .GET, "/api/v1/projects/{projectID}/documents",
            "The project's documents, oldest first (same visibility as the project)",
            auth: .optional, query: APIOperation.listQuery, success: (200, "page:Document"), errors: [400, 401, 404],
            notes: "ETag + If-None-Match → 304.", conditional: true),
        .init(
            .GET, "/api/v1/projects/{projectID}/documents/activity",
            "Who downloaded which document, per company (owner company)",
            success: (200, "DocumentActivity"), errors: [401, 403, 404]),
        .init(
            .DELETE, "/api/v1/documents/{documentID}",
            "Delete a document of a DRAFT project (owner company)",
            success: (204, nil), errors: [401, 403, 404, 409],
            notes:
                "Only while the project is DRAFT: on an OPEN project upload a replacement (`replaces`), which is an addendum; after that the documents are the record (409 INVALID_TRANSITION). The stored file and its images are deleted."
        ),
        .init(
            .GET, "/api/v1/documents/{documentID}/content",
            "The document's bytes (same visibility as its project)",
            auth: .optional,
            query: [
                (
                    "variant", S.enumeration(["original", "display", "thumbnail"]),
                    "display fits 1200×800, thumbnail 400×400 (JPEG, quality 80); the original is served, with X-Document-Variant: original, until they are made or when imaging is off"
                )
            ],
            success: (200, nil), errors: [400, 401, 404],
            notes:
                "Local storage: streamed with Content-Length, ETag (the sha256), Accept-Ranges; Range → 206 (one range; If-Range honoured), past the end → 416; If-None-Match → 304; Content-Disposition names the file (inline for PDF, images and text). S3-compatible storage: 302 to a presigned URL valid for 5 minutes (Cache-Control: no-store). Each fetch is recorded for the owner's activity view.",
            otherResponses: [
                206: "Partial Content: the requested byte range (Content-Range)",
                302: "Found: S3-compatible storage; Location is a presigned URL valid for 5 minutes",
                304: "Not Modified: If-None-Match matched the ETag",
                416: "Range Not Satisfiable: Content-Range: bytes */size"
            ])
    ]

    static var schemas: [String: JSONSchema] { S.documents }
}

extension S {
    fileprivate static let documents: [String: JSONSchema] = [
        "DocumentUpload": object(
            [
                "file": JSONSchema.string(
                    format: .other("binary"),
                    description:
                        "PDF, PNG, JPEG, TIFF, DWG, DXF, XLSX, DOCX, ZIP or plain text, recognised from its bytes; the part's Content-Type, if given, must agree (else 415). At most 25 MB (FREE), 100 MB (PRO) or 1 GB (ENTERPRISE), MB = 1,000,000 bytes (else 413 with details.limitBytes)."
                ),
                "title": text(1, 200)
            ], required: ["file"]),
        "Document": object(
            [
                "id": uuid, "projectId": uuid,
                "filename": JSONSchema.string(
                    description:
                        "the uploaded name, sanitised: last path component only, no control or reserved characters, at most 200 characters"
                ),
                "title": nullable(string),
                "contentType": JSONSchema.string(description: "detected from the bytes, not taken from the client"),
                "sizeBytes": int, "sha256": JSONSchema.string(pattern: "^[0-9a-f]{64}$"),
                "addendumNumber": nullable(int).described(
                    "set when the upload issued an addendum (the project was OPEN)"),
                "variants": array(enumeration(["display", "thumbnail"])).described(
                    "image versions ready for ?variant= (made in the background; empty for non-images)"),
                "createdAt": time,
                "replacesId": nullable(uuid).described("the document this one replaced"),
                "supersededAt": nullable(time).described("when a later document replaced this one (it stays readable)")
            ],
            required: [
                "id", "projectId", "filename", "title", "contentType", "sizeBytes", "sha256", "addendumNumber",
                "variants", "createdAt",
                "replacesId", "supersededAt"
            ]),
        "DocumentActivity": object(
            [
                "projectId": uuid,
                "documents": array(
                    object(
                        ["id": uuid, "filename": string, "addendumNumber": nullable(int)],
                        required: ["id", "filename", "addendumNumber"])),
                "companies": array(
                    object(
                        [
                            "companyId": uuid, "companyName": string, "invited": bool, "bidding": bool,
                            "downloads": int,
                            "lastDownloadedAt": nullable(time),
                            "documents": array(
                                object(
                                    [
                                        "documentId": uuid, "downloads": int, "firstDownloadedAt": time,
                                        "lastDownloadedAt": time
                                    ],
                                    required: ["documentId", "downloads", "firstDownloadedAt", "lastDownloadedAt"])),
                            "notDownloaded": array(uuid).described("documents this company has never fetched")
                        ],
                        required: [
                            "companyId", "companyName", "invited", "bidding", "downloads", "documents",
                            "notDownloaded"
                        ])),
                "anonymousDownloads": int
            ], required: ["projectId", "documents", "companies", "anonymousDownloads"],
            description:
                "Every company invited, bidding, or that downloaded (the owner excluded). A download is a whole fetch or a range starting at byte 0; later ranges of the same fetch and 304 revalidations are not counted."
        )
    ]
}
