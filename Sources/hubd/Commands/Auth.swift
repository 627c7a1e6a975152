import ArgumentParser
import Dialogs
import Foundation
import RESTBridge

/// `hubd auth`: a local token issuer, so that the REST API can be used without HelseID.
struct Auth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A local token issuer for the REST API: a signing key and its JWKS, access tokens, DPoP proofs.",
        subcommands: [Init.self, Token.self, Proof.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Write a new signing key and its JWKS (rotating any key there); prints the settings that make hubd trust it.")

        @Option(help: "The directory for the key files.") var dir = ".run/auth"
        @Option(help: "The issuer (iss) of the tokens.") var issuer = "hubd-local"

        func run() async throws {
            let authority = try LocalAuthority.create(in: URL(fileURLWithPath: dir), issuer: issuer)
            print("HUBD_AUTH_JWKS=\(authority.jwksFile.path)")
            print("HUBD_AUTH_ISSUER=\(authority.issuer)")
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an access token for the given HER-ids, signed with the key `hubd auth init` wrote.")
        /// A year: longer would be no test token, and past `Int` it would overflow `exp`.
        static let longestLifetime = 365 * 86_400

        @Option(help: "The directory `hubd auth init` wrote.") var dir = ".run/auth"
        @Option(name: .customLong("her-id"), help: "A HER-id the token acts for; repeat for more.") var herIds: [Int] = []
        @Option(help: "The audience (aud).") var audience = "nhn:msh"
        @Option(help: "The scope.") var scope = "nhn:msh/api"
        @Option(help: "The issuer (iss); by default the one given to `hubd auth init`.") var issuer: String?
        @Option(help: "How long the token is valid, in seconds.") var lifetimeSeconds = 3600
        @Option(help: "Bind the token to the DPoP key in this JWK file, creating the file when missing.") var dpopKey: String?
        @Option(help: "The claim that holds the HER-ids (hubd's auth_herid_claim).") var herIdClaim = AuthSettings.defaultHerIdClaim

        func validate() throws {
            guard !herIds.isEmpty else { throw ValidationError("give at least one --her-id") }
            // The value is not repeated: an 11-digit one would be a national identity number.
            guard herIds.allSatisfy({ HerId.parse(String($0)) != nil }) else {
                throw ValidationError("every --her-id must be a HER-id (1 to 9 digits, above zero)")
            }
            guard lifetimeSeconds > 0, lifetimeSeconds <= Self.longestLifetime else {
                throw ValidationError("--lifetime-seconds must be from 1 to \(Self.longestLifetime) (a year)")
            }
        }

        func run() async throws {
            let authority = try LocalAuthority(directory: URL(fileURLWithPath: dir))
            let key = try dpopKey.map { path in try Auth.dpopKey(at: path, creating: true) }
            print(try await authority.token(
                herIds: herIds, issuer: issuer, audience: audience, scope: scope, lifetime: TimeInterval(lifetimeSeconds),
                dpopKey: key, herIdClaim: herIdClaim, now: Date()))
        }
    }

    struct Proof: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a DPoP proof for one request, for curl: -H \"Authorization: DPoP $TOKEN\" -H \"DPoP: $(hubd auth proof ...)\".")

        @Option(help: "The DPoP key's JWK file (as `hubd auth token --dpop-key` wrote it).") var dpopKey: String
        @Option(help: "The request's HTTP method.") var method: String
        @Option(help: "The request's URL; its query is left out of the proof.") var url: String
        @Option(help: "The access token the request carries.") var token: String

        func run() async throws {
            let key = try Auth.dpopKey(at: dpopKey, creating: false)
            print(try await key.proof(method: method, url: url, accessToken: token, now: Date()))
        }
    }

    /// The DPoP key in the JWK file at `path`; a new one written there when the file is missing
    /// and `creating`.
    static func dpopKey(at path: String, creating: Bool) throws(AuthConfigurationError) -> DPoPKey {
        let file = URL(fileURLWithPath: path)
        guard creating, !FileManager.default.fileExists(atPath: path) else { return try DPoPKey(contentsOf: file) }
        let key = try DPoPKey.generate()
        try key.write(to: file)
        return key
    }
}
