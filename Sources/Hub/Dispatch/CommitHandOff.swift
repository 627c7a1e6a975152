import Foundation
import Synchronization

/// What ingress has just committed, handed to the dispatcher in memory, so that the dispatcher
/// sends it without reading it back from the store: that read was about 6 % of hubd's CPU per
/// message, and a hop through a reader connection before every send.
///
/// The store stays the record. A message handed over is pending there until the dispatcher
/// records its outcome, so whatever is not sent from memory (a lane that is held back, a
/// hand-off that is full, a crash) is found by the next look at the store. What must not happen
/// is one message sent twice: a store look that runs beside a commit can read that commit's rows
/// before they are handed over. So every commit holds a ticket from before it starts until its
/// hand-over; the ids a store look took are removed from what was handed over, and remembered
/// while a ticket that was open when the look ended is still open, so that its hand-over
/// leaves them out.
///
/// Only for a store that this process alone dispatches from (`HubStore.handsOffCommits`).
package final class CommitHandOff: Sendable {
    /// A commit under way, from before it starts until `close` or `abandon`.
    package struct Ticket: Sendable {
        fileprivate let number: UInt64
    }

    private struct State {
        var fresh: [DueMessage] = []
        var freshBytes = 0
        var issued: UInt64 = 0
        var open: Set<UInt64> = []
        /// Ids a store look took while tickets were open: id → the newest ticket open then.
        var taken: [Int64: UInt64] = [:]
        /// Tickets up to this one hand over nothing: `taken` grew past its bound while they
        /// were open (a commit retried for long beside many looks), and was given up.
        var handsOverAfter: UInt64 = 0

        /// Forgets the ids no open ticket can hand over any more.
        mutating func closeTicket(_ number: UInt64) {
            open.remove(number)
            guard !taken.isEmpty else { return }
            guard let oldest = open.min() else {
                taken.removeAll()
                return
            }
            taken = taken.filter { $0.value >= oldest }
        }
    }

    private let state = Mutex(State())
    private let wake: WakeSignal
    /// Messages and body bytes held at most: what does not fit is left to the store look, so a
    /// dispatcher that falls behind does not make ingress hold more and more in memory.
    private let capacity: Int
    private let maxBytes: Int
    /// Ids remembered from store looks, at most.
    private var takenLimit: Int { 8 * capacity }

    /// Hands messages to the dispatcher that waits on `wake`: a poke for messages handed over,
    /// a signal when a commit stored something for dispatch that it could not hand over.
    init(wake: WakeSignal, capacity: Int, maxBytes: Int) {
        self.wake = wake
        self.capacity = capacity
        self.maxBytes = maxBytes
    }

    /// Before a commit starts.
    func open() -> Ticket {
        state.withLock { state in
            state.issued += 1
            state.open.insert(state.issued)
            return Ticket(number: state.issued)
        }
    }

    /// After the commit of `decisions` did `outcomes` (in the same order) at `acceptedAt`: the
    /// accepted messages are handed over, as rows the store now holds.
    func close(_ ticket: Ticket, decisions: [IngressDecision], outcomes: [IngressOutcome], acceptedAt: Date) {
        var complete = true
        var messages: [DueMessage] = []
        messages.reserveCapacity(decisions.count)
        // By index, each switch on one value: a pair of them, or a loop variable, would copy
        // every decision, message and all.
        for index in decisions.indices {
            switch outcomes[index] {
            case .accepted(let id, _):
                if case .accept(let message) = decisions[index] {
                    messages.append(DueMessage(committed: message, id: id, acceptedAt: acceptedAt))
                } else {
                    // An error message to a sender or a dead letter's copy was stored for dispatch.
                    complete = false
                }
            case .duplicate:
                // The store may have put the earlier message back to be sent again.
                if case .accept(let message) = decisions[index], message.origin == .gateway { complete = false }
            case .eventRecorded:
                if case .event = decisions[index] {} else { complete = false }
            case .rejected:
                if case .reject(_, nil, _) = decisions[index] {} else { complete = false }
            case .deadLettered, .eventRefused:
                complete = false
            }
        }
        let handedOver = state.withLock { state -> Int in
            // The ticket closes after its rows are checked against what looks took: closing
            // the last one forgets them.
            defer { state.closeTicket(ticket.number) }
            guard ticket.number > state.handsOverAfter else {
                complete = messages.isEmpty && complete
                return 0
            }
            var added = 0
            for message in messages where state.taken.removeValue(forKey: message.id) == nil {
                guard state.fresh.count < capacity, state.freshBytes + message.body.count <= maxBytes || state.fresh.isEmpty else {
                    complete = false
                    continue
                }
                state.fresh.append(message)
                state.freshBytes += message.body.count
                added += 1
            }
            return added
        }
        if !complete {
            wake.signal()
        } else if handedOver > 0 {
            wake.poke()
        }
    }

    /// After a commit that did not happen (ingress stopped first).
    func abandon(_ ticket: Ticket) {
        state.withLock { $0.closeTicket(ticket.number) }
    }

    /// Whether messages wait to be taken.
    var holdsMessages: Bool {
        state.withLock { !$0.fresh.isEmpty }
    }

    /// The ids of the messages held, for a store look to pass over.
    var heldIds: Set<Int64> {
        state.withLock { Set($0.fresh.lazy.map(\.id)) }
    }

    /// Takes the oldest messages handed over: at most `limit`, and stopping once their bodies
    /// pass `maxBytes` (at least one when any is held).
    func take(limit: Int, maxBytes: Int) -> [DueMessage] {
        state.withLock { state in
            var count = 0
            var bytes = 0
            while count < state.fresh.count, count < limit, bytes < maxBytes {
                bytes += state.fresh[count].body.count
                count += 1
            }
            let taken = Array(state.fresh.prefix(count))
            state.fresh.removeFirst(count)
            state.freshBytes -= bytes
            return taken
        }
    }

    /// After a store look that took `ids`: they are sent from there, not from memory.
    func tookFromStore(_ ids: [Int64]) {
        guard !ids.isEmpty else { return }
        state.withLock { state in
            let took = Set(ids)
            if !state.fresh.isEmpty {
                state.fresh.removeAll { took.contains($0.id) }
                state.freshBytes = state.fresh.reduce(0) { $0 + $1.body.count }
            }
            guard let newest = state.open.max() else { return }
            for id in ids { state.taken[id] = newest }
            if state.taken.count > takenLimit {
                // What the open tickets would hand over is left to the store instead.
                state.taken.removeAll()
                state.handsOverAfter = newest
            }
        }
    }
}
