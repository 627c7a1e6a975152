import JWTKit

/// A JWT's claims as the JSON object they are, for tokens whose claim names are configured (the
/// HER-id claim) and whose claims may take more than one shape (`aud`, `scope`).
struct JWTClaims: JWTPayload {
    var members: [String: JWTHeaderField]

    init(_ members: [String: JWTHeaderField]) { self.members = members }

    init(from decoder: any Decoder) throws {
        members = try decoder.singleValueContainer().decode([String: JWTHeaderField].self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(members)
    }

    /// Nothing: `AccessTokenVerifier` checks every claim itself, each with its own reason.
    func verify(using _: some JWTAlgorithm) async throws {}

    subscript(name: String) -> JWTHeaderField? { members[name] }

    func string(_ name: String) -> String? { members[name]?.asString }

    /// A NumericDate or other number, whether written as an integer or with a fraction.
    func number(_ name: String) -> Double? {
        switch members[name] {
        case .int(let value): Double(value)
        case .decimal(let value): value
        default: nil
        }
    }

    /// A claim that is one string or an array of strings (`aud`); nil for any other shape.
    func strings(_ name: String) -> [String]? {
        switch members[name] {
        case .string(let value): [value]
        case .array(let values): try? JWTHeaderField.array(values).asArray(of: String.self)
        default: nil
        }
    }
}
