import AddressRegistry

/// A JSON value as PROMs orders carry them (a register's metadata, a patient's answer): the
/// `Codable` one of `AddressRegistry`, named here for the files that also import `Dialogs`,
/// which has a `JSONValue` of its own.
package typealias PromsJSON = JSONValue
