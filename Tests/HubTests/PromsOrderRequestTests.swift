import AddressRegistry
import Foundation
import Hub
import Testing

/// The checks a register's form order passes before it is stored, without a store.
@Suite(.timeLimit(.minutes(1))) struct PromsOrderRequestTests {
    static let patient = "13897210066"
    /// Noon on 2027-01-15, Norwegian time.
    static let now = Date(timeIntervalSince1970: 1_800_010_800)

    static func request(
        nationalId: String? = patient, expiryDate: String? = "2027-01-31", rule: JSONValue? = nil,
        reference: String? = "reg-42", metadata: JSONValue? = .object(["study": .string("hip")])
    ) -> PromsOrderRequest {
        PromsOrderRequest(
            registerHerId: 10037004, registerReference: reference, formId: "PROM-HOS-1", nationalId: nationalId,
            expiryDate: expiryDate, distributionRule: rule, metadata: metadata)
    }

    @Test func bothCheckDigitsAreChecked() {
        for valid in ["13897210066", "01899010031", "15898510015"] {
            #expect(NationalIdentityNumber(valid)?.digits == valid)
        }
        // Each check digit wrong in turn, a digit swapped, too short, too long, not digits.
        for invalid in ["13897210076", "13897210067", "31897210066", "1389721006", "138972100660", "1389721006a", ""] {
            #expect(NationalIdentityNumber(invalid) == nil, "\(invalid)")
        }
        #expect("\(NationalIdentityNumber(Self.patient).map(String.init(describing:)) ?? "")" == "***********")
    }

    @Test func aGoodOrderPasses() throws {
        let order = try Self.request().validated(now: Self.now)
        #expect(order.distributionRule == .basic)
        #expect(order.metadataText == #"{"study":"hip"}"#)
        // The end of 2027-01-31 in Norway is 23:00 UTC (CET, UTC+1).
        #expect(order.deadline == Date(timeIntervalSince1970: 1_801_436_400))
        // Today is not in the past.
        #expect(throws: Never.self) { try Self.request(expiryDate: "2027-01-15").validated(now: Self.now) }
    }

    @Test func distributionRulesByNameOrNumber() throws {
        #expect(try Self.request(rule: .string("AllowUnsecure")).validated(now: Self.now).distributionRule == .allowUnsecure)
        #expect(try Self.request(rule: .string("helsenorgeonly")).validated(now: Self.now).distributionRule == .helsenorgeOnly)
        #expect(try Self.request(rule: .integer(8)).validated(now: Self.now).distributionRule == .unsecureOnly)
        #expect(PromsDistributionRule.allCases.map(\.rawValue) == Array(0...8))
    }

    @Test func badOrdersSayWhatIsWrongWithoutTheValue() {
        let cases: [(PromsOrderRequest, String)] = [
            (Self.request(nationalId: nil), "nationalId is missing"),
            (Self.request(nationalId: "13897210067"), "nationalId is not a national identity number"),
            (Self.request(expiryDate: nil), "expiryDate is missing"),
            (Self.request(expiryDate: "2027-02-30"), "expiryDate must be a date"),
            (Self.request(expiryDate: "31.01.2027"), "expiryDate must be a date"),
            (Self.request(expiryDate: "2027-01-14"), "expiryDate is in the past"),
            (Self.request(rule: .string("Pigeon")), "distributionRule must be one of Basic"),
            (Self.request(rule: .integer(9)), "distributionRule must be one of"),
            (Self.request(reference: nil), "registerReference is missing"),
            (Self.request(reference: ""), "registerReference must be 1 to 255 bytes"),
            (Self.request(reference: "pasient \(Self.patient)"), "registerReference must not hold a national identity number"),
            (Self.request(reference: "a\nb"), "registerReference holds control characters"),
            (PromsOrderRequest(registerHerId: nil, registerReference: "r", formId: "f", nationalId: Self.patient, expiryDate: "2027-01-31"),
             "registerHerId is missing"),
            (PromsOrderRequest(registerHerId: 10037004, registerReference: "r", formId: nil, nationalId: Self.patient, expiryDate: "2027-01-31"),
             "formId is missing"),
        ]
        for (request, expected) in cases {
            #expect(throws: InvalidPromsOrder.self) { try request.validated(now: Self.now) }
            do {
                _ = try request.validated(now: Self.now)
            } catch {
                #expect(error.description.hasPrefix(expected), "\(error.description)")
                #expect(!error.description.contains(Self.patient))
            }
        }
    }

    @Test func callbackTimestampsAreNorwegianUnlessTheySayOtherwise() {
        let utc = Date(timeIntervalSince1970: 1_800_018_000)   // 2027-01-15T13:00:00Z
        #expect(PromsCalendar.timestamp("2027-01-15T13:00:00Z") == utc)
        #expect(PromsCalendar.timestamp("2027-01-15T14:00:00+01:00") == utc)
        #expect(PromsCalendar.timestamp("2027-01-15T14:00:00") == utc)
        #expect(PromsCalendar.timestamp("2027-01-15T14:00:00.5") == utc.addingTimeInterval(0.5))
        #expect(PromsCalendar.timestamp("yesterday") == nil)
        #expect(PromsCalendar.timestamp("2027-13-15T14:00:00Z") == nil)
    }

    @Test func theOrderJSONHasEveryFieldAndNoNationalId() throws {
        let order = PromsOrder(
            id: "c0ffee00-0000-4000-8000-000000000001", registerHerId: 10037004, registerReference: "reg-42",
            formId: "PROM-HOS-1", status: .completed,
            history: [.init(status: .accepted, at: Self.now, detail: nil), .init(status: .completed, at: Self.now, detail: nil)],
            formOrderId: "f0", notificationChannel: "Helsenorge",
            answer: .init(formData: .object(["q1": .integer(3)]), signedFormId: nil, completedAt: Self.now, warnings: nil))
        let json = try JSONSerialization.jsonObject(with: Data(try order.json())) as? [String: Any]
        #expect(Set(json?.keys.map { $0 } ?? []) == [
            "id", "registerHerId", "registerReference", "formId", "status", "history", "formOrderId",
            "notificationChannel", "answer",
        ])
        let answer = json?["answer"] as? [String: Any]
        #expect((answer?["formData"] as? [String: Any])?["q1"] as? Int == 3)
        #expect(answer?["completedAt"] as? String == "2027-01-15T11:00:00.000Z")
    }
}
