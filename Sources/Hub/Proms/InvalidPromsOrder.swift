/// Why a register's form order was refused: a sentence for the register's developer, naming
/// the field and the rule, never the value.
package struct InvalidPromsOrder: Error, Sendable, Equatable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
