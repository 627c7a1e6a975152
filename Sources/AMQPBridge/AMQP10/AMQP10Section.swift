/// The message sections of AMQP 1.0 part 3 (§3.2) that hubd reads or writes, by descriptor.
///
/// A section is a described value whose descriptor is a ulong code or, equivalently, a symbol
/// name; senders may use either, so both are recognised.
package enum AMQP10Section: Sendable, Equatable {
    case header
    case deliveryAnnotations
    case messageAnnotations
    case properties
    case applicationProperties
    case data
    case amqpSequence
    case amqpValue
    case footer

    package var code: UInt64 {
        switch self {
        case .header: 0x70
        case .deliveryAnnotations: 0x71
        case .messageAnnotations: 0x72
        case .properties: 0x73
        case .applicationProperties: 0x74
        case .data: 0x75
        case .amqpSequence: 0x76
        case .amqpValue: 0x77
        case .footer: 0x78
        }
    }

    private static let all: [AMQP10Section] = [
        .header, .deliveryAnnotations, .messageAnnotations, .properties, .applicationProperties,
        .data, .amqpSequence, .amqpValue, .footer,
    ]
    private static let names: [String: AMQP10Section] = [
        "amqp:header:list": .header, "amqp:delivery-annotations:map": .deliveryAnnotations,
        "amqp:message-annotations:map": .messageAnnotations, "amqp:properties:list": .properties,
        "amqp:application-properties:map": .applicationProperties, "amqp:data:binary": .data,
        "amqp:amqp-sequence:list": .amqpSequence, "amqp:amqp-value:*": .amqpValue, "amqp:footer:map": .footer,
    ]

    /// The section a descriptor names, or nil.
    package init?(descriptor: AMQP10Value) {
        switch descriptor {
        case .ulong(let code):
            guard let section = Self.all.first(where: { $0.code == code }) else { return nil }
            self = section
        case .symbol(let name):
            guard let section = Self.names[name] else { return nil }
            self = section
        default: return nil
        }
    }

    /// `value` as this section.
    package func wrapping(_ value: AMQP10Value) -> AMQP10Value {
        .described(.ulong(code), value)
    }
}
