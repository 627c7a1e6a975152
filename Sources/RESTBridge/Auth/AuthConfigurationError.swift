/// Authentication cannot work as configured: a bad setting, an unreadable key file, or a key set
/// that cannot be loaded.
///
/// The description is for the operator: it names the setting, file or URL and what is wrong with
/// it, and never holds key material or token contents.
package struct AuthConfigurationError: Error, Sendable, CustomStringConvertible {
    package let description: String

    package init(_ description: String) { self.description = description }
}
