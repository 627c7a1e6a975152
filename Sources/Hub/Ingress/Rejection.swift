/// A submission refused by an ingress check, with the error message the sender gets (§4).
package struct Rejection: Sendable, Equatable, Error {
    package var condition: ErrorCondition
    package var description: String
    /// `errorConditionData`: values each followed by `;`, possibly empty.
    package var data: String

    package init(_ condition: ErrorCondition, _ description: String, data: [String] = []) {
        self.condition = condition
        self.description = description
        self.data = data.map { $0 + ";" }.joined()
    }
}
