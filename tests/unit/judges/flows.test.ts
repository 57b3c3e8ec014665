import { describe, expect, test } from 'vitest';
import { exchange } from '../support/judges.ts';
import {
  createResumed,
  edgeDeclared,
  flagSet,
  readAgrees,
  refusedAsDocumented,
  terminalStateKept,
  transitionKeptState,
  transitionReached,
  unknownIdNotFound,
} from '../../../src/checks/judges/flows.ts';
import { DOCUMENTED, type Basis } from '../../../src/spec/provenance.ts';

/** The flow judges, one table each: [name, { given, want }] — `want` is what the findings match, `[]` silent. */
type Row<J extends (given: never) => unknown> = [string, { given: Parameters<J>[0]; want: Array<Record<string, unknown>> }];

const INFERRED: Basis = { basis: 'inferred', reason: 'the docs name no terminal state', marking: '/x-flows/0#terminal' };

const at = { statePointer: '/data/status', opId: 'refreshKyc' };

describe('terminalStateKept', () => {
  test.each<Row<typeof terminalStateKept>>([
    [
      'a terminal state left fires',
      {
        given: { ...at, before: 'approved', after: 'pending', basis: INFERRED },
        want: [{ location: '/data/status', expected: 'approved: a terminal state never changes (refreshKyc)', actual: '"pending"', basis: INFERRED }],
      },
    ],
    ['a terminal state kept is silent', { given: { ...at, before: 'approved', after: 'approved', basis: DOCUMENTED }, want: [] }],
  ])('%s', (_name, { given, want }) => {
    expect(terminalStateKept(given)).toMatchObject(want);
  });
});

describe('edgeDeclared', () => {
  const edges = { pending: ['approved', 'rejected'], approved: [] };
  test.each<Row<typeof edgeDeclared>>([
    [
      'a move along no declared edge fires',
      {
        given: { ...at, edges, before: 'pending', after: 'expired', basis: DOCUMENTED },
        want: [{ location: '/data/status', expected: 'from pending only approved, rejected', actual: '"expired" after refreshKyc', basis: DOCUMENTED }],
      },
    ],
    [
      'a move out of a state with no way out fires',
      {
        given: { ...at, edges, before: 'approved', after: 'pending', basis: DOCUMENTED },
        want: [{ expected: 'from approved only nowhere (no edge declared)' }],
      },
    ],
    [
      'a state the edges do not list has no way out',
      { given: { ...at, edges, before: 'draft', after: 'pending', basis: DOCUMENTED }, want: [{ expected: 'from draft only nowhere (no edge declared)' }] },
    ],
    ['a declared move is silent', { given: { ...at, edges, before: 'pending', after: 'rejected', basis: DOCUMENTED }, want: [] }],
    ['no move is silent', { given: { ...at, edges, before: 'approved', after: 'approved', basis: DOCUMENTED }, want: [] }],
  ])('%s', (_name, { given, want }) => {
    expect(edgeDeclared(given)).toMatchObject(want);
  });
});

describe('flagSet', () => {
  const flag = { pointer: '/data/alreadyApproved', equals: true };
  test.each<Row<typeof flagSet>>([
    [
      'the flag missing fires',
      {
        given: { exchange: exchange(200, { data: {} }), flag, state: 'approved', basis: DOCUMENTED },
        want: [{ location: '/data/alreadyApproved', expected: 'true: the resource is approved', basis: DOCUMENTED }],
      },
    ],
    [
      'the flag with another value fires',
      {
        given: { exchange: exchange(200, { data: { alreadyApproved: 'yes' } }), flag, state: 'approved', basis: INFERRED },
        want: [{ actual: '"yes"', basis: INFERRED }],
      },
    ],
    [
      'the flag set is silent',
      { given: { exchange: exchange(200, { data: { alreadyApproved: true } }), flag, state: 'approved', basis: DOCUMENTED }, want: [] },
    ],
  ])('%s', (_name, { given, want }) => {
    expect(flagSet(given)).toMatchObject(want);
  });
});

describe('createResumed', () => {
  const active = { key: 'sess_1', state: 'pending' };
  test.each<Row<typeof createResumed>>([
    [
      'a new key while active fires',
      {
        given: { keyPointer: '/data/sessionId', active, seenKey: 'sess_2', basis: DOCUMENTED },
        want: [{ location: '/data/sessionId', expected: 'the active sess_1 (a create while pending resumes it)', actual: '"sess_2"', basis: DOCUMENTED }],
      },
    ],
    [
      'no key at all fires',
      { given: { keyPointer: '/data/sessionId', active, seenKey: undefined, basis: DOCUMENTED }, want: [{ location: '/data/sessionId' }] },
    ],
    ['the active key handed back is silent', { given: { keyPointer: '/data/sessionId', active, seenKey: 'sess_1', basis: DOCUMENTED }, want: [] }],
  ])('%s', (_name, { given, want }) => {
    expect(createResumed(given)).toMatchObject(want);
  });
});

describe('readAgrees', () => {
  const flow = { statePointer: '/data/status', keyPointer: '/data/sessionId', active: ['pending'] };
  test.each<Row<typeof readAgrees>>([
    [
      'another state fires',
      {
        given: { flow, last: { state: 'pending' }, seen: { state: 'approved' }, basis: DOCUMENTED },
        want: [{ location: '/data/status', expected: 'pending (as the last answer of the flow said)', actual: '"approved"', basis: DOCUMENTED }],
      },
    ],
    [
      'another key while active fires',
      {
        given: { flow, last: { state: 'pending', key: 'k1' }, seen: { state: 'pending', key: 'k2' }, basis: INFERRED },
        want: [{ location: '/data/sessionId', expected: 'k1', actual: '"k2"', basis: INFERRED }],
      },
    ],
    [
      'both wrong: two findings',
      {
        given: { flow, last: { state: 'pending', key: 'k1' }, seen: { state: 'approved' }, basis: DOCUMENTED },
        want: [{ location: '/data/status' }, { location: '/data/sessionId', expected: 'k1' }],
      },
    ],
    [
      'another key once no longer active is silent',
      { given: { flow, last: { state: 'approved', key: 'k1' }, seen: { state: 'approved', key: 'k2' }, basis: DOCUMENTED }, want: [] },
    ],
    [
      'the same state and key are silent',
      { given: { flow, last: { state: 'pending', key: 'k1' }, seen: { state: 'pending', key: 'k1' }, basis: DOCUMENTED }, want: [] },
    ],
  ])('%s', (_name, { given, want }) => {
    expect(readAgrees(given)).toMatchObject(want);
  });
});

describe('refusedAsDocumented', () => {
  const refusal = { opId: 'cancelKyc', refusal: 409, from: ['pending', 'review'], before: 'approved' };
  test.each<Row<typeof refusedAsDocumented>>([
    [
      'a transition run from a state it is not allowed from fires',
      {
        given: { ...refusal, exchange: exchange(200, {}), basis: DOCUMENTED },
        want: [
          {
            location: '',
            expected: 'HTTP 409: cancelKyc is allowed only from pending, review, the resource is approved',
            actual: 'HTTP 200',
            basis: DOCUMENTED,
          },
        ],
      },
    ],
    [
      'another refusal than the documented one fires',
      { given: { ...refusal, exchange: exchange(400, {}), basis: INFERRED }, want: [{ actual: 'HTTP 400', basis: INFERRED }] },
    ],
    ['no answer fires as no response', { given: { ...refusal, exchange: exchange(), basis: DOCUMENTED }, want: [{ actual: 'no response' }] }],
    ['the documented refusal is silent', { given: { ...refusal, exchange: exchange(409, {}), basis: DOCUMENTED }, want: [] }],
  ])('%s', (_name, { given, want }) => {
    expect(refusedAsDocumented(given)).toMatchObject(want);
  });
});

describe('transitionReached', () => {
  test.each<Row<typeof transitionReached>>([
    [
      'another state than declared fires',
      {
        given: { ...at, opId: 'approveKyc', before: 'review', to: 'approved', after: 'review', basis: DOCUMENTED },
        want: [{ location: '/data/status', expected: 'approved after approveKyc from review', actual: '"review"', basis: DOCUMENTED }],
      },
    ],
    [
      'the declared state is silent',
      { given: { ...at, opId: 'approveKyc', before: 'review', to: 'approved', after: 'approved', basis: DOCUMENTED }, want: [] },
    ],
  ])('%s', (_name, { given, want }) => {
    expect(transitionReached(given)).toMatchObject(want);
  });
});

describe('transitionKeptState', () => {
  test.each<Row<typeof transitionKeptState>>([
    [
      'a preserved state changed fires',
      {
        given: { ...at, before: 'approved', after: 'review', basis: INFERRED },
        want: [{ location: '/data/status', expected: 'approved: refreshKyc never changes it', actual: '"review"', basis: INFERRED }],
      },
    ],
    ['the state kept is silent', { given: { ...at, before: 'approved', after: 'approved', basis: DOCUMENTED }, want: [] }],
  ])('%s', (_name, { given, want }) => {
    expect(transitionKeptState(given)).toMatchObject(want);
  });
});

describe('unknownIdNotFound', () => {
  test.each<Row<typeof unknownIdNotFound>>([
    [
      'an unknown id found fires',
      {
        given: { exchange: exchange(200, {}), wanted: 404, basis: DOCUMENTED },
        want: [{ location: '', expected: 'HTTP 404 for an id that does not exist', actual: 'HTTP 200', basis: DOCUMENTED }],
      },
    ],
    [
      'another status than the declared one fires',
      {
        given: { exchange: exchange(404, {}), wanted: 400, basis: INFERRED },
        want: [{ expected: 'HTTP 400 for an id that does not exist', actual: 'HTTP 404', basis: INFERRED }],
      },
    ],
    ['no answer fires as no response', { given: { exchange: exchange(), wanted: 404, basis: DOCUMENTED }, want: [{ actual: 'no response' }] }],
    ['the declared status is silent', { given: { exchange: exchange(404, {}), wanted: 404, basis: DOCUMENTED }, want: [] }],
  ])('%s', (_name, { given, want }) => {
    expect(unknownIdNotFound(given)).toMatchObject(want);
  });
});
