import Foundation
import Hub

// The JSON bodies of the API, named as NHN's message service API names them.

/// `POST /messages`, read by `JSONBodyMembers`.
struct SendMessageRequest: Sendable {
    var senderHerId: Int
    var receiverHerIds: [Int]
    var businessDocument: String
    var contentType: String
    var contentTransferEncoding: String
    var messageTypeIdentificator: String?
    var applicationName: String?
    var applicationVersion: String?

    init(json: [UInt8]) throws(Problem) {
        let members = try JSONBodyMembers(json)
        senderHerId = try members.integer("senderHerId")
        receiverHerIds = try members.integers("receiverHerIds")
        businessDocument = try members.string("businessDocument")
        contentType = try members.string("contentType")
        contentTransferEncoding = try members.string("contentTransferEncoding")
        messageTypeIdentificator = try members.optionalString("messageTypeIdentificator")
        applicationName = try members.optionalString("applicationName")
        applicationVersion = try members.optionalString("applicationVersion")
    }
}

struct BusinessDocumentResponse: Encodable, Sendable {
    var businessDocument: String
    var contentType: String
    var contentTransferEncoding: String
}

struct StatusResponse: Encodable, Sendable {
    struct StatusInfo: Encodable, Sendable {
        var receiverHerId: Int?
        var transportDeliveryState: String
        var sent: String?
        var apprecInfo: ApprecInfo?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(receiverHerId, forKey: .receiverHerId)
            try container.encode(transportDeliveryState, forKey: .transportDeliveryState)
            // Present and null when unknown, as NHN's API has them.
            try container.encode(sent, forKey: .sent)
            try container.encode(apprecInfo, forKey: .apprecInfo)
        }

        enum CodingKeys: String, CodingKey {
            case receiverHerId, transportDeliveryState, sent, apprecInfo
        }
    }

    struct ApprecInfo: Encodable, Sendable {
        var appRecStatus: String
        var appRecErrorList: [AppRecErrorBody]
        var appRecId: String
    }

    struct HistoryEntry: Encodable, Sendable {
        var status: String
        var at: String
        /// The instance of a fleet that recorded it; left out for a single instance.
        var instance: String?
    }

    var statusList: [StatusInfo]
    var history: [HistoryEntry]
}

struct AppRecErrorBody: Codable, Sendable {
    var errorCode: String
    var details: String?
    var description: String?
    var oid: String?
}

struct DownloadedRequest: Decodable, Sendable {
    var receiverHerId: Int
}

struct AppRecRequest: Decodable, Sendable {
    var appRecSenderHerId: Int
    var appRecStatus: String
    var appRecErrorList: [AppRecErrorBody]?
    var applicationName: String?
    var applicationVersion: String?
}

struct MshConfigurationBody: Codable, Sendable {
    struct Webhook: Codable, Sendable {
        var url: String
        var secret: String?
    }

    var herId: Int
    var receiveNotificationChannel: String
    var webhook: Webhook?
}

struct MshConfigurationsBody: Codable, Sendable {
    var configurations: [MshConfigurationBody]
}

struct NotificationBody: Encodable, Sendable {
    var offset: Int64
    var type: String
    var relatedMessageId: String
    var notificationReceiverHerId: Int
    var notificationTriggeredByHerId: Int?
    var description: String
    var createdAt: String

    init(_ notification: HubNotification) {
        offset = notification.offset
        type = notification.type.rawValue
        relatedMessageId = notification.relatedMessageId
        notificationReceiverHerId = notification.receiverHerId
        notificationTriggeredByHerId = notification.triggeredByHerId
        description = notification.description
        createdAt = Timestamp.format(notification.createdAt)
    }
}

struct NotificationsResponse: Encodable, Sendable {
    var notifications: [NotificationBody]
}
