import type { Exchange } from '../../client/exchange.ts';
import { getAt } from '../../spec/pointer.ts';
import type { Basis } from '../../spec/provenance.ts';
import type { Finding } from '../types.ts';

/**
 * Judges of a declared flow (x-flows, docs/extensions.md): each says whether what the server answered about a
 * resource keeps one rule of the flow. The flow scenario (src/run/scenarios/flows.ts) decides what to send and when
 * a rule applies; these only compare. Each rule reports under its default id (src/checks/flow-rules.ts) unless the
 * spec names its own (the Account flow keeps its kyc-* ids).
 */

/** What the run has learnt of a resource from one answer about it. */
export interface Seen {
  state?: string;
  key?: string;
}

/** The parts of a flow declaration the judges read (the scenario passes its declaration as it is). */
export interface FlowShape {
  statePointer: string;
  keyPointer?: string;
  active?: string[];
}

/**
 * `flow-terminal-state-changed` (terminalChanged): a resource in a terminal state stays there, whichever operation
 * shows it next — "terminal" is the docs' promise that nothing moves it on.
 */
export function terminalStateKept(given: { statePointer: string; before: string; after: string; opId: string; basis: Basis }): Finding[] {
  const { statePointer, before, after, opId, basis } = given;
  return after === before
    ? []
    : [{ location: statePointer, expected: `${before}: a terminal state never changes (${opId})`, actual: JSON.stringify(after), basis }];
}

/**
 * `flow-edge-undeclared` (undeclaredEdge): a resource moves only along the edges the docs describe; a move seen
 * between two answers that is not one of them is a state machine the client was never told about.
 */
export function edgeDeclared(given: {
  statePointer: string;
  edges: Record<string, string[]>;
  before: string;
  after: string;
  opId: string;
  basis: Basis;
}): Finding[] {
  const { statePointer, edges, before, after, opId, basis } = given;
  if (before === after) return [];
  const next = edges[before] ?? [];
  return next.includes(after)
    ? []
    : [
        {
          location: statePointer,
          expected: `from ${before} only ${next.length ? next.join(', ') : 'nowhere (no edge declared)'}`,
          actual: `${JSON.stringify(after)} after ${opId}`,
          basis,
        },
      ];
}

/**
 * `flow-flag-missing` (flag; the Account flow's `kyc-already-approved-missing`): a create on a resource in one of
 * the flag's states answers with the flag set — the client's only sign that nothing new was started.
 */
export function flagSet(given: { exchange: Exchange; flag: { pointer: string; equals: unknown }; state: string; basis: Basis }): Finding[] {
  const { exchange, flag, state, basis } = given;
  const got = getAt(exchange.response?.json, flag.pointer);
  return got === flag.equals
    ? []
    : [{ location: flag.pointer, expected: `${JSON.stringify(flag.equals)}: the resource is ${state}`, actual: JSON.stringify(got), basis }];
}

/**
 * `flow-create-not-resumed` (resume; the Account flow's `kyc-session-not-resumed`): a create while the resource is
 * active hands back the active one (its key), so a client that retries never starts a second.
 */
export function createResumed(given: { keyPointer: string; active: { key: string; state: string }; seenKey: string | undefined; basis: Basis }): Finding[] {
  const { keyPointer, active, seenKey, basis } = given;
  return seenKey === active.key
    ? []
    : [{ location: keyPointer, expected: `the active ${active.key} (a create while ${active.state} resumes it)`, actual: JSON.stringify(seenKey), basis }];
}

/**
 * `flow-state-disagrees` (readAgrees; the Account flow's `kyc-state-disagrees`): a read says what the flow's last
 * answer said — its state, and while active its key: a client polls the read to learn what its write did.
 */
export function readAgrees(given: { flow: FlowShape; last: Seen; seen: Seen; basis: Basis }): Finding[] {
  const { flow, last, seen, basis } = given;
  const findings: Finding[] = [];
  if (last.state !== undefined && seen.state !== last.state)
    findings.push({ location: flow.statePointer, expected: `${last.state} (as the last answer of the flow said)`, actual: JSON.stringify(seen.state), basis });
  if (last.key !== undefined && flow.keyPointer && last.state !== undefined && flow.active?.includes(last.state) && seen.key !== last.key)
    findings.push({ location: flow.keyPointer, expected: last.key, actual: JSON.stringify(seen.key), basis });
  return findings;
}

/**
 * `flow-transition-not-refused` (refused): a transition asked from a state it is not allowed from is refused with
 * the documented status — the one a client is told to handle — not run, and not refused some other way.
 */
export function refusedAsDocumented(given: {
  exchange: Exchange;
  opId: string;
  refusal: number;
  from: readonly string[];
  before: string;
  basis: Basis;
}): Finding[] {
  const { exchange, opId, refusal, from, before, basis } = given;
  const status = exchange.response?.status;
  return status === refusal
    ? []
    : [
        {
          location: '',
          expected: `HTTP ${refusal}: ${opId} is allowed only from ${from.join(', ')}, the resource is ${before}`,
          actual: status ? `HTTP ${status}` : 'no response',
          basis,
        },
      ];
}

/**
 * `flow-transition-wrong-state` (wrongState): a transition that succeeds leaves the resource in the state the
 * docs say it leads to.
 */
export function transitionReached(given: { statePointer: string; opId: string; before: string; to: string; after: string; basis: Basis }): Finding[] {
  const { statePointer, opId, before, to, after, basis } = given;
  return after === to ? [] : [{ location: statePointer, expected: `${to} after ${opId} from ${before}`, actual: JSON.stringify(after), basis }];
}

/**
 * `flow-terminal-state-changed` (terminalChanged): a transition run on a resource in a terminal state, or in a state
 * the transition is declared to preserve, leaves that state as it was (a refresh never reopens an approval).
 */
export function transitionKeptState(given: { statePointer: string; opId: string; before: string; after: string; basis: Basis }): Finding[] {
  const { statePointer, opId, before, after, basis } = given;
  return after === before ? [] : [{ location: statePointer, expected: `${before}: ${opId} never changes it`, actual: JSON.stringify(after), basis }];
}

/**
 * `flow-unknown-id-found` (notFound): an id that was never created is answered with the declared status (404
 * unless the flow says otherwise) — anything else invents a resource, or hides which error a client gets.
 */
export function unknownIdNotFound(given: { exchange: Exchange; wanted: number; basis: Basis }): Finding[] {
  const { exchange, wanted, basis } = given;
  const r = exchange.response;
  return r?.status === wanted
    ? []
    : [{ location: '', expected: `HTTP ${wanted} for an id that does not exist`, actual: r ? `HTTP ${r.status}` : 'no response', basis }];
}
