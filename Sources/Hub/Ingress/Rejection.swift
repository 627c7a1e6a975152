/// A submission refused by an ingress check, with the error message the sender gets (§4).
package struct Rejection: Sendable, Equatable, Error {
    package var condition: ErrorCondition
    package var description: String
    /// `errorConditionData`: values each followed by `;`, possibly empty.
    package var data: String
    /// Refused because it contradicts what is stored (an event's sequence or id): over REST a
    /// 409, not a 400.
    package var isConflict: Bool

    package init(_ condition: ErrorCondition, _ description: String, data: [String] = [], isConflict: Bool = false) {
        self.condition = condition
        self.description = description
        self.data = data.map { $0 + ";" }.joined()
        self.isConflict = isConflict
    }
}
