/// The kind of a communication party, as the Address Register names it.
package enum PartyType: Sendable, Hashable, CustomStringConvertible {
    case organization
    case person
    case service
    case department
    /// A kind this version of hubd does not know; kept so an import never fails on it.
    case other(String)

    /// Maps the Address Register's spelling (`Organization`, `Person`, ...), case-insensitively.
    package init(registryName: String) {
        switch registryName.lowercased() {
        case "organization", "organisation": self = .organization
        case "person": self = .person
        case "service": self = .service
        case "department": self = .department
        default: self = .other(registryName)
        }
    }

    package var description: String {
        switch self {
        case .organization: "Organization"
        case .person: "Person"
        case .service: "Service"
        case .department: "Department"
        case .other(let name): name
        }
    }
}
