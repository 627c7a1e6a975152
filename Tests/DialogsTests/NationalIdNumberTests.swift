import Testing
@testable import Dialogs

@Suite("National identity number check digits", .timeLimit(.minutes(2)))
struct NationalIdNumberTests {
    /// The nine digits completed with their two check digits, computed here independently of
    /// `NationalIdNumber`; nil when a check digit would be 10 (no number is issued).
    static func complete(_ nine: String) -> String? {
        var digits = nine.map { Int(String($0)) ?? 0 }
        for weights in [[3, 7, 6, 1, 8, 9, 4, 5, 2], [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]] {
            var sum = 0
            for (digit, weight) in zip(digits, weights) { sum += digit * weight }
            let check = sum % 11 == 0 ? 0 : 11 - sum % 11
            if check == 10 { return nil }
            digits.append(check)
        }
        return digits.map(String.init).joined()
    }

    /// Birth dates and individual numbers of every variant: fødselsnummer, D-number (day + 40),
    /// synthetic numbers with month + 40 (NAV/Skatteetaten) and + 80 (Tenor).
    static let prefixes = ["010190123", "311299499", "290200500", "410190123", "710312345", "014190123", "018190123", "318599999", "150680000"]

    @Test("Numbers with computed check digits are valid, and changing any digit makes them invalid")
    func computed() throws {
        var checked = 0
        for prefix in Self.prefixes + (100...160).map({ "01019\($0)1" }) {
            guard let number = Self.complete(prefix) else { continue }
            #expect(NationalIdNumber.hasValidCheckDigits(number), "\(number)")
            checked += 1
            // A change of one digit always changes a mod-11 sum by a non-multiple of 11.
            for position in 0..<11 {
                var digits = Array(number)
                let digit = Int(String(digits[position])) ?? 0
                digits[position] = Character(String((digit + 1) % 10))
                #expect(!NationalIdNumber.hasValidCheckDigits(String(digits)), "\(String(digits))")
            }
        }
        #expect(checked > 40)
    }

    @Test("Known numbers", arguments: [
        ("19826606056", true),      // the examples' synthetic patient
        ("01010112345", false),
        ("00000000000", true),      // all zeros satisfies mod-11; the schema's other rules do not refuse it either
        ("19826606065", false),     // first check digit right, second wrong
        ("1982660605", false),
        ("198266060561", false),
        ("1982660605a", false),
        ("١٩٨٢٦٦٠٦٠٥٦", false),     // Arabic-Indic digits
        ("", false),
    ])
    func known(number: String, valid: Bool) {
        #expect(NationalIdNumber.hasValidCheckDigits(number) == valid)
    }

    @Test("Where the first check digit would be 10, no completion of the nine digits is valid")
    func firstCheckDigitTen() throws {
        let weights = [3, 7, 6, 1, 8, 9, 4, 5, 2]
        let prefixes: [String] = (1000..<2000).map { "010190" + String($0).dropFirst() }
        let nine = try #require(prefixes.first { prefix in
            var sum = 0
            for (character, weight) in zip(prefix, weights) { sum += (character.wholeNumberValue ?? 0) * weight }
            return sum % 11 == 1
        })
        for last in 100..<200 {
            let candidate = nine + String(last).dropFirst()
            #expect(!NationalIdNumber.hasValidCheckDigits(candidate), "\(candidate)")
        }
    }
}
