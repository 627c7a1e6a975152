/// Why bytes are not an AMQP 1.0 value or section hubd can read. The text names the place and the
/// kind of problem, never the content (it may be logged).
package enum AMQP10Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes end inside a value.
    case truncated(offset: Int)
    /// A constructor byte that AMQP 1.0 does not define.
    case unknownConstructor(UInt8, offset: Int)
    /// A size or count that cannot fit in what is left, or is larger than the decoder's bound.
    case badLength(offset: Int)
    /// Deeper nesting than the decoder allows.
    case tooDeep(offset: Int)
    /// A string or symbol that is not valid UTF-8 (symbols: ASCII).
    case invalidText(offset: Int)
    /// Bytes left after the value(s).
    case trailingBytes(offset: Int)
    /// A value of the wrong shape for its place (a properties section that is not a list, ...).
    case unexpected(String)

    package var description: String {
        switch self {
        case .truncated(let o): return "AMQP 1.0: truncated at byte \(o)"
        case .unknownConstructor(let c, let o): return "AMQP 1.0: unknown constructor 0x\(String(c, radix: 16)) at byte \(o)"
        case .badLength(let o): return "AMQP 1.0: impossible length at byte \(o)"
        case .tooDeep(let o): return "AMQP 1.0: nested too deeply at byte \(o)"
        case .invalidText(let o): return "AMQP 1.0: invalid text at byte \(o)"
        case .trailingBytes(let o): return "AMQP 1.0: unexpected bytes after the value at byte \(o)"
        case .unexpected(let what): return "AMQP 1.0: \(what)"
        }
    }
}
