import Foundation
import Hub

/// The `delivery_channels` file: parties' channels in the shape of `PUT /mshconfigurations`,
/// applied at start, so that an operator keeps them declaratively (as NHN recommends).
package enum DeliveryChannelsFile {
    /// The channels the file sets; an error names the file and what is wrong.
    package static func load(_ path: String) throws -> [Int: DeliveryChannel] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DeliveryChannelsFileError("cannot read \(path): \((error as NSError).localizedDescription)")
        }
        let body: MshConfigurationsBody
        do {
            body = try JSONDecoder().decode(MshConfigurationsBody.self, from: data)
        } catch let error as DecodingError {
            throw DeliveryChannelsFileError("\(path): \(BodyReader.describe(error))")
        }
        do {
            return try RESTAPI.channels(of: body)
        } catch {
            throw DeliveryChannelsFileError("\(path): \(error.detail ?? error.title)")
        }
    }
}

/// A `delivery_channels` or `event_subscriptions` file that cannot be used.
package struct DeliveryChannelsFileError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}
