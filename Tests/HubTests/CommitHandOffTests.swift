import Foundation
@testable import Hub
import Testing

@Suite(.timeLimit(.minutes(1))) struct CommitHandOffTests {
    let wake = WakeSignal()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func handOff(capacity: Int = 100) -> CommitHandOff {
        CommitHandOff(wake: wake, capacity: capacity, maxBytes: 1 << 20)
    }

    func accepted(_ id: Int64) -> (IngressDecision, IngressOutcome) {
        let message = NewMessage(
            messageId: "m\(id)", kind: .dialog, fromHerId: 1, toHerId: 2, messageFunction: "F", msgId: "msg-\(id)",
            target: .partyAsync(herId: 2), properties: MessageProperties(messageId: "m\(id)"), body: Array("<x/>".utf8),
            expiresAt: now.addingTimeInterval(60))
        return (.accept(message), .accepted(id: id, correlated: nil))
    }

    func close(_ handOff: CommitHandOff, _ ticket: CommitHandOff.Ticket, _ committed: [(IngressDecision, IngressOutcome)]) {
        handOff.close(ticket, decisions: committed.map(\.0), outcomes: committed.map(\.1), acceptedAt: now)
    }

    @Test func acceptedMessagesAreHandedOverWithAPokeNotASignal() async {
        let handOff = handOff()
        let ticket = handOff.open()
        close(handOff, ticket, [accepted(1), accepted(2)])
        #expect(handOff.heldIds == [1, 2])
        #expect(!wake.takePending())
        #expect(await wake.wait(timeout: .seconds(30)) == .poked)
        let taken = handOff.take(limit: 10, maxBytes: .max)
        #expect(taken.map(\.id) == [1, 2])
        #expect(taken.allSatisfy { $0.acceptedAt == now && $0.attempts == 0 })
        #expect(handOff.take(limit: 10, maxBytes: .max).isEmpty)
    }

    /// The race the tickets are for: a look at the store that read a commit's rows before the
    /// commit handed them over.
    @Test func rowsALookTookBeforeTheirHandOverAreNotHandedOver() {
        let handOff = handOff()
        let ticket = handOff.open()
        handOff.tookFromStore([1])
        close(handOff, ticket, [accepted(1), accepted(2)])
        #expect(handOff.take(limit: 10, maxBytes: .max).map(\.id) == [2])
    }

    @Test func rowsALookTookAfterTheirHandOverLeaveMemory() {
        let handOff = handOff()
        let ticket = handOff.open()
        close(handOff, ticket, [accepted(1), accepted(2), accepted(3)])
        handOff.tookFromStore([1, 3])
        #expect(handOff.take(limit: 10, maxBytes: .max).map(\.id) == [2])
    }

    /// A look's ids are kept while a commit that was open at the look can still hand them
    /// over, whatever commits close meanwhile, and forgotten after.
    @Test func takenIdsAreKeptUntilEveryCommitOpenAtTheLookHasClosed() {
        let handOff = handOff()
        let first = handOff.open()
        handOff.tookFromStore([5])
        let second = handOff.open()
        close(handOff, second, [accepted(6)])
        close(handOff, first, [accepted(5)])
        #expect(handOff.take(limit: 10, maxBytes: .max).map(\.id) == [6])
        // Nothing is remembered now: a later commit's rows are its own (the same number here
        // only shows that the id was forgotten).
        let third = handOff.open()
        close(handOff, third, [accepted(5)])
        #expect(handOff.take(limit: 10, maxBytes: .max).map(\.id) == [5])
    }

    @Test func aCommitThatStoredAnErrorMessageAsksForALookAtTheStore() {
        let handOff = handOff()
        let notice = NewMessage(
            messageId: "n1", kind: .errorNotice, fromHerId: nil, toHerId: 1, messageFunction: nil, msgId: nil,
            target: .partyError(herId: 1), properties: MessageProperties(messageId: "n1"), body: [], expiresAt: now)
        let ticket = handOff.open()
        close(handOff, ticket, [
            accepted(1), (.reject(Rejection(.notWellFormedXML, "bad"), notice: notice, acceptedKey: nil), .rejected),
        ])
        #expect(wake.takePending())
        #expect(handOff.take(limit: 10, maxBytes: .max).map(\.id) == [1])
    }

    /// A refusal that stored no error message (its sender hears of it over REST) gives the store
    /// nothing new to send.
    @Test func aRefusalWithoutAnErrorMessageAsksForNoLook() {
        let handOff = handOff()
        let ticket = handOff.open()
        close(handOff, ticket, [accepted(1), (.reject(Rejection(.notWellFormedXML, "bad"), notice: nil, acceptedKey: nil), .rejected)])
        #expect(!wake.takePending())
        #expect(handOff.take(limit: 10, maxBytes: .max).map(\.id) == [1])
    }

    /// A commit that stays open while looks take more ids than are kept hands over nothing: its
    /// messages are left to the store, which asks for a look.
    @Test func aCommitOpenWhileLooksTookTooManyIdsLeavesItsMessagesToTheStore() {
        let handOff = handOff(capacity: 1)
        let ticket = handOff.open()
        handOff.tookFromStore(Array(1...9))
        close(handOff, ticket, [accepted(10)])
        #expect(wake.takePending())
        #expect(!handOff.holdsMessages)
        let later = handOff.open()
        close(handOff, later, [accepted(11)])
        #expect(!wake.takePending())
        #expect(handOff.take(limit: 10, maxBytes: .max).map(\.id) == [11])
    }

    @Test func whatDoesNotFitIsLeftToTheStoreLook() {
        let handOff = handOff(capacity: 2)
        let ticket = handOff.open()
        close(handOff, ticket, [accepted(1), accepted(2), accepted(3)])
        #expect(wake.takePending())
        #expect(handOff.take(limit: 1, maxBytes: .max).map(\.id) == [1])
        #expect(handOff.take(limit: 10, maxBytes: .max).map(\.id) == [2])
    }

    @Test func anAbandonedCommitHandsOverNothing() {
        let handOff = handOff()
        let ticket = handOff.open()
        handOff.tookFromStore([1])
        handOff.abandon(ticket)
        #expect(handOff.heldIds.isEmpty)
        #expect(!wake.takePending())
    }
}
