import Foundation
import JWTKit

extension AccessTokenVerifier {
    /// A DPoP proof that passed every check but its signature and replay.
    struct CheckedProof {
        let jws: DPoPProofJWS
        let key: any JWTAlgorithm
        let jti: String
        let issuedAt: Double
    }

    /// Longest `jti` kept; RFC 9449 asks for 96 random bits, which is far shorter.
    private static let maximumJTILength = 256

    /// The checks of RFC 9449 §4.3 that need no signature: the proof is a `dpop+jwt` with an
    /// allowed algorithm and a public `jwk` whose thumbprint is the token's `cnf.jkt`, made for
    /// this method, URL and token, within the proof window, with a `jti`.
    func checkProof(
        _ text: String?, boundTo jkt: String, method: String, url: RequestTarget, ath: String, now: Date
    ) async throws(AuthFailure) -> CheckedProof {
        func refuse(_ reason: String) -> AuthFailure { AuthFailure(.invalidDPoPProof, reason, challenging: [.dpop]) }
        guard let text, !text.isEmpty else { throw refuse("the request has no DPoP proof (DPoP header)") }
        guard let proof = DPoPProofJWS(text) else { throw refuse("the DPoP proof is not a well-formed JWT (send exactly one DPoP header)") }
        guard proof.header.typ?.lowercased() == "dpop+jwt" else { throw refuse("the DPoP proof's typ is not dpop+jwt") }
        guard let algorithm = proof.header.alg, Self.algorithms.contains(algorithm) else {
            throw refuse("the DPoP proof is not signed with ES256, RS256 or PS256")
        }
        guard let key = proof.header.jwk else { throw refuse("the DPoP proof's header has no jwk") }
        guard !key.holdsPrivateMembers else { throw refuse("the DPoP proof's jwk holds a private key") }
        let cachedKey = proofKeys.entry(for: key)
        guard let thumbprint = cachedKey.thumbprint else {
            throw refuse("the DPoP proof's jwk is not an EC or RSA public key")
        }
        guard thumbprint == jkt else { throw refuse("the DPoP proof's key is not the key the token is bound to (cnf.jkt)") }

        let claims = proof.claims
        guard claims.htm == method else { throw refuse("the DPoP proof is for another HTTP method (htm)") }
        guard let htu = claims.htu, url.isNamed(by: htu) else { throw refuse("the DPoP proof is for another URL (htu)") }
        guard let issuedAt = claims.iat else { throw refuse("the DPoP proof has no issue time (iat)") }
        guard abs(now.timeIntervalSince1970 - issuedAt) <= settings.proofWindow else {
            throw refuse("the DPoP proof was not made within \(Int(settings.proofWindow)) seconds of now (iat); check the client's clock")
        }
        guard claims.ath == ath else { throw refuse("the DPoP proof is for another access token (ath)") }
        guard let jti = claims.jti, !jti.isEmpty, jti.utf8.count <= Self.maximumJTILength else {
            throw refuse("the DPoP proof has no jti, or one longer than \(Self.maximumJTILength) bytes")
        }
        // A store may not take them (PostgreSQL refuses a NUL), and no client makes them.
        guard !jti.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw refuse("the DPoP proof's jti holds control characters")
        }
        guard let verifier = await proofKeys.verifier(of: cachedKey, for: algorithm) else {
            throw refuse("the DPoP proof's jwk does not suit its algorithm")
        }
        return CheckedProof(jws: proof, key: verifier, jti: jti, issuedAt: issuedAt)
    }

    /// Checks the proof's signature, then records its `jti` until the proof expires: in this
    /// process, and for the fleet when instances share a store. A store that cannot record it
    /// now refuses the proof: accepting it unrecorded would let it be replayed elsewhere.
    func record(_ proof: CheckedProof, now: Date) async throws(AuthFailure) {
        func refuse(_ reason: String) -> AuthFailure { AuthFailure(.invalidDPoPProof, reason, challenging: [.dpop]) }
        guard proof.jws.isSigned(by: proof.key) else { throw refuse("the DPoP proof's signature does not verify with its jwk") }
        let expiry = Date(timeIntervalSince1970: proof.issuedAt + settings.proofWindow)
        switch replays.record(proof.jti, until: expiry, now: now) {
        case .recorded: break
        case .replayed: throw refuse("the DPoP proof was already used (jti)")
        case .full: throw refuse("hubd holds \(replays.capacity) DPoP proofs within their window and takes no more until some expire")
        }
        guard let fleetProofs else { return }
        let firstUse: Bool
        do {
            firstUse = try await fleetProofs.recordFirstUse(of: proof.jti, until: expiry, now: now)
        } catch {
            throw refuse("hubd could not record the DPoP proof's jti in its store now; send the request again later with a new proof")
        }
        guard firstUse else { throw refuse("the DPoP proof was already used (jti), at another instance") }
    }
}
