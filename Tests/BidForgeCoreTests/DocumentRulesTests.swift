import Foundation
import Testing

@testable import BidForgeCore

@Suite struct ContentSnifferTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func everyAcceptedKindIsRecognisedByItsBytes() {
        #expect(ContentSniffer.sniff(bytes("%PDF-1.7\n%âãÏÓ\n1 0 obj")) == .pdf)
        #expect(ContentSniffer.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) == .png)
        #expect(ContentSniffer.sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]) == .jpeg)
        #expect(ContentSniffer.sniff([0x49, 0x49, 0x2A, 0x00, 8, 0]) == .tiff)
        #expect(ContentSniffer.sniff([0x4D, 0x4D, 0x00, 0x2A, 0, 0]) == .tiff)
        #expect(ContentSniffer.sniff(bytes("AC1032") + [0, 0, 0]) == .dwg)
        #expect(ContentSniffer.sniff(bytes("999\nDXF from CAD\n  0\nSECTION\n  2\nHEADER\n")) == .dxf)
        #expect(ContentSniffer.sniff(bytes("0\r\nSECTION\r\n2\r\nENTITIES\r\n")) == .dxf)
        let zipHeader: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0]
        #expect(ContentSniffer.sniff(zipHeader + bytes("[Content_Types].xml....xl/workbook.xml")) == .xlsx)
        #expect(ContentSniffer.sniff(zipHeader + bytes("[Content_Types].xml....word/document.xml")) == .docx)
        #expect(ContentSniffer.sniff(zipHeader + bytes("photos/site-1.jpg")) == .zip)
        #expect(ContentSniffer.sniff(bytes("Item,Qty\nRebar #5,120\n")) == .text)
        #expect(ContentSniffer.sniff(bytes("Scope: 配管 — 2 floors")) == .text)
    }

    @Test func binaryAndEmptyAreRefused() {
        #expect(ContentSniffer.sniff([]) == nil)
        #expect(
            ContentSniffer.sniff([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0]) == nil, "an ELF executable is not a document")
        #expect(ContentSniffer.sniff(bytes("MZ") + [0x90, 0, 3, 0]) == nil)
        #expect(ContentSniffer.sniff(bytes("text with a NUL \u{0} inside")) == nil)
        #expect(ContentSniffer.sniff(bytes("AC10xx not a drawing")) == .text)
    }

    @Test func aSampleCutMidCharacterIsStillText() {
        let text = Array("Façade — élévation, côté nord: é".utf8)
        #expect(ContentSniffer.sniff(Array(text.prefix(text.count - 1))) == .text)
    }

    @Test func declaredTypesMustAgreeWithTheBytes() {
        #expect(DocumentKind.pdf.matches(declared: "application/pdf"))
        #expect(DocumentKind.pdf.matches(declared: "Application/PDF; name=x.pdf"))
        #expect(DocumentKind.pdf.matches(declared: "application/octet-stream"))
        #expect(DocumentKind.pdf.matches(declared: nil))
        #expect(!DocumentKind.pdf.matches(declared: "image/png"))
        #expect(!DocumentKind.zip.matches(declared: "application/pdf"))
        #expect(DocumentKind.dwg.matches(declared: "application/acad"))
        #expect(DocumentKind.xlsx.matches(declared: DocumentKind.xlsx.contentType))
        #expect(!DocumentKind.text.matches(declared: "application/pdf"))
    }
}

@Suite struct FileNameTests {
    @Test func namesAreSafeToShow() {
        #expect(FileNames.sanitize("A-101 Floor Plan.pdf") == "A-101 Floor Plan.pdf")
        #expect(FileNames.sanitize("../../etc/passwd") == "passwd")
        #expect(FileNames.sanitize("C:\\Users\\pat\\Desktop\\bid.xlsx") == "bid.xlsx")
        #expect(FileNames.sanitize("re<port>:\"final\"|?*.pdf") == "re_port___final____.pdf")
        #expect(FileNames.sanitize("evil\u{0}name\u{202E}fdp.exe") == "evilnamefdp.exe")
        #expect(FileNames.sanitize("  spaced    out \n name.txt  ") == "spaced out name.txt")
        #expect(FileNames.sanitize("...") == "document")
        #expect(FileNames.sanitize("") == "document")
        #expect(FileNames.sanitize("Cafe\u{301}.pdf") == "Café.pdf")
        let long = FileNames.sanitize(String(repeating: "x", count: 500) + ".pdf")
        #expect(long.count == FileNames.maxLength && long.hasSuffix(".pdf"))
    }
}

@Suite struct ByteRangeTests {
    @Test func singleRangesAreClampedToTheRepresentation() {
        #expect(ByteRangeRequest.parse("bytes=0-99", size: 1000) == .partial(0...99))
        #expect(ByteRangeRequest.parse("bytes=900-2000", size: 1000) == .partial(900...999))
        #expect(ByteRangeRequest.parse("bytes=500-", size: 1000) == .partial(500...999))
        #expect(ByteRangeRequest.parse("bytes=-100", size: 1000) == .partial(900...999))
        #expect(ByteRangeRequest.parse("bytes=-5000", size: 1000) == .partial(0...999))
        #expect(ByteRangeRequest.parse(" bytes=0-0 ", size: 1) == .partial(0...0))
    }

    @Test func rangesPastTheEndAreUnsatisfiable() {
        #expect(ByteRangeRequest.parse("bytes=1000-", size: 1000) == .unsatisfiable)
        #expect(ByteRangeRequest.parse("bytes=1000-1001", size: 1000) == .unsatisfiable)
        #expect(ByteRangeRequest.parse("bytes=-0", size: 1000) == .unsatisfiable)
        #expect(ByteRangeRequest.parse("bytes=-1", size: 0) == .unsatisfiable)
    }

    @Test func absentInvalidAndMultipleRangesServeTheWhole() {
        #expect(ByteRangeRequest.parse(nil, size: 10) == .whole)
        #expect(ByteRangeRequest.parse("items=0-1", size: 10) == .whole)
        #expect(ByteRangeRequest.parse("bytes=5-2", size: 10) == .whole)
        #expect(ByteRangeRequest.parse("bytes=a-b", size: 10) == .whole)
        #expect(ByteRangeRequest.parse("bytes=0-1,4-5", size: 10) == .whole)
    }
}

@Suite struct FormDataDispositionTests {
    @Test func namesAndFilenamesAreRead() {
        #expect(
            FormDataDisposition.parse("form-data; name=\"file\"; filename=\"plans.pdf\"")
                == FormDataDisposition(name: "file", filename: "plans.pdf"))
        #expect(FormDataDisposition.parse("form-data; name=title") == FormDataDisposition(name: "title", filename: nil))
        #expect(
            FormDataDisposition.parse("form-data; name=\"file\"; filename=\"a;b \\\"c\\\".pdf\"")?.filename
                == "a;b \"c\".pdf")
        #expect(
            FormDataDisposition.parse("form-data; name=\"file\"; filename=\"x.pdf\"; filename*=UTF-8''Pl%C3%A4ne.pdf")?
                .filename
                == "Pläne.pdf")
    }

    @Test func otherDispositionsAreRefused() {
        #expect(FormDataDisposition.parse("attachment; filename=\"a.pdf\"") == nil)
        #expect(FormDataDisposition.parse("form-data; filename=\"a.pdf\"") == nil)
    }
}

@Suite struct ETagTests {
    @Test func ifNoneMatchUsesWeakComparison() {
        #expect(ETags.ifNoneMatchHits("\"abc\"", "\"abc\""))
        #expect(ETags.ifNoneMatchHits("W/\"abc\"", "\"abc\""))
        #expect(ETags.ifNoneMatchHits("\"x\", \"abc\"", "W/\"abc\""))
        #expect(ETags.ifNoneMatchHits("*", "\"abc\""))
        #expect(!ETags.ifNoneMatchHits("\"abd\"", "\"abc\""))
        #expect(!ETags.ifNoneMatchHits(nil, "\"abc\""))
        #expect(!ETags.ifNoneMatchHits("abc", "\"abc\""))
    }
}
