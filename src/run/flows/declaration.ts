import { randomUUID } from 'node:crypto';
import type { Operation } from '../../spec/operations.ts';
import type { SpecModel } from '../../checks/types.ts';
import { CannotRunError } from '../../base/errors.ts';
import { isCheckId, type CheckId } from '../../checks/catalogue.ts';
import { FLOW_CHECK_DEFAULTS, type FlowRule } from '../../checks/flow-rules.ts';

export { FLOW_CHECK_DEFAULTS, type FlowRule };

/** A flow as `x-flows` declares it (docs/extensions.md): a resource's states and the operations that move it. */
export interface FlowDeclaration {
  id: string;
  statePointer: string;
  idPointer?: string;
  keyPointer?: string;
  states: string[];
  active?: string[];
  terminal?: string[];
  /**
   * The moves the docs describe: from each state, the states a resource may go to next. A move seen (by any
   * operation, between two answers about the same resource) that is not listed is `flow-edge-undeclared`; a state
   * not listed has no declared way out.
   */
  edges?: Record<string, string[]>;
  notFound?: number;
  create?: { operationId: string; flag?: { when: string[]; pointer: string; equals: unknown; check?: string } };
  read?: { operationId: string; idParam?: string };
  transitions?: TransitionDeclaration[];
  checks?: Partial<Record<FlowRule, string>>;
}

export interface TransitionDeclaration {
  operationId: string;
  idParam?: string;
  from?: 'any' | string[];
  to?: string;
  refusal?: number;
  preserves?: string[];
  /** Where in the request body the resource's key goes (Salesive's refresh names the session: `/sessionId`). */
  keyBody?: string;
  /** A merge patch over the generated valid body (gu1's sync `{force: true}`). */
  body?: Record<string, unknown>;
  /** The server applies this transition itself first (gu1's approve syncs with the provider before judging `from`). */
  syncsFirst?: string;
}

/** A declaration resolved against the spec's operations, with the check id each rule reports under. */
export interface Flow {
  decl: FlowDeclaration;
  pointer: string;
  create?: Operation;
  read?: Operation;
  transitions: Array<{ decl: TransitionDeclaration; op: Operation; index: number }>;
  check: (rule: FlowRule) => CheckId;
  /** The rules this flow can exercise at all (the others are reported not applicable, with why). */
  rules: Map<FlowRule, true | string>;
  operations: Operation[];
}

export function flowsOf(spec: SpecModel): Flow[] {
  const decls = (spec.doc['x-flows'] as FlowDeclaration[] | undefined) ?? [];
  const byId = (id: string) => spec.operations.find((o) => o.id === id)!;
  return decls.map((decl, i) => {
    const create = decl.create ? byId(decl.create.operationId) : undefined;
    const read = decl.read ? byId(decl.read.operationId) : undefined;
    const transitions = (decl.transitions ?? []).map((t, index) => ({ decl: t, op: byId(t.operationId), index }));
    // A rule reported under an id the suite does not publish would be a check nobody can look up or baseline.
    const named = (id: string | undefined, where: string): CheckId | undefined => {
      if (id === undefined) return undefined;
      if (!isCheckId(id))
        throw new CannotRunError(`x-flows[${i}] (${decl.id}): ${where} names "${id}", which is not a check id of this suite — use one of docs/checks.md`);
      return id;
    };
    const flag = named(decl.create?.flag?.check, 'create.flag.check');
    const declared = new Map(Object.entries(decl.checks ?? {}).map(([rule, id]) => [rule, named(id, `checks.${rule}`)]));
    const check = (rule: FlowRule): CheckId => (rule === 'flag' && flag) || declared.get(rule) || FLOW_CHECK_DEFAULTS[rule];
    const rules = new Map<FlowRule, true | string>([
      ['readAgrees', read ? true : 'the flow declares no read operation'],
      ['resume', create && decl.active?.length && decl.keyPointer ? true : 'the flow declares no resumable create (create, active states and a keyPointer)'],
      ['flag', decl.create?.flag ? true : 'the flow declares no create flag'],
      [
        'refused',
        transitions.some((t) => Array.isArray(t.decl.from) && t.decl.refusal) ? true : 'no transition declares the states it is allowed from and its refusal',
      ],
      ['wrongState', transitions.some((t) => t.decl.to) ? true : 'no transition declares the state it leads to'],
      [
        'terminalChanged',
        decl.terminal?.length || transitions.some((t) => t.decl.preserves?.length) ? true : 'the flow declares no terminal or preserved states',
      ],
      ['notFound', notFoundApplies(spec, decl, read, transitions)],
      ['undeclaredEdge', decl.edges ? true : 'the flow declares no edges (which state may follow which)'],
    ]);
    const operations = [create, read, ...transitions.map((t) => t.op)].filter((o): o is Operation => !!o);
    return {
      decl,
      pointer: `/x-flows/${i}`,
      ...(create ? { create } : {}),
      ...(read ? { read } : {}),
      transitions,
      check,
      rules,
      operations: [...new Set(operations)],
    };
  });
}

/** The operation and path parameter the unknown-id walk asks with: the read, else a transition that takes the id. */
export function notFoundProbe(
  decl: FlowDeclaration,
  read: Operation | undefined,
  transitions: ReadonlyArray<{ decl: TransitionDeclaration; op: Operation }>,
): { op: Operation; param: string | undefined } | undefined {
  if (!decl.idPointer) return undefined;
  const op = read ?? transitions.find((t) => t.decl.idParam)?.op;
  if (!op) return undefined;
  return { op, param: decl.read?.idParam ?? op.parameters.find((p) => p.in === 'path')?.name };
}

function notFoundApplies(
  spec: SpecModel,
  decl: FlowDeclaration,
  read: Operation | undefined,
  transitions: ReadonlyArray<{ decl: TransitionDeclaration; op: Operation }>,
): true | string {
  const probe = notFoundProbe(decl, read, transitions);
  if (!probe) return 'the flow has no resource id to ask for';
  const id = unknownId(spec, probe.op, probe.param);
  return 'id' in id ? true : id.why;
}

/**
 * An id that surely names no record and that the id parameter's schema accepts: a fresh UUID, else a random hex
 * string (40, 32 or 16 characters) or a large integer of no plausible record. A made-up id of a form the schema refuses would be answered as malformed
 * (a 400 is right there), and judging that answer as "an unknown id found something else than 404" would blame a
 * correct server; a small integer might name a real record.
 */
export function unknownId(spec: SpecModel, op: Operation, param: string | undefined): { id: string | number } | { why: string } {
  const p = op.parameters.find((x) => x.in === 'path' && x.name === param);
  if (!p) return { why: `${op.key} takes no path parameter to ask for an unknown id with` };
  const hex = randomUUID().replace(/-/g, '');
  // Longest first (the surest to name nothing), down to 16 random hex characters for an id capped in length.
  const candidates: Array<string | number> = [randomUUID(), `unknown-${hex}`, hex, hex.slice(0, 16), 1_000_000_000 + Math.floor(Math.random() * 1_000_000_000)];
  const id = candidates.find((c) => spec.validators.validate(`${p.pointer}/schema`, c).length === 0);
  return id === undefined
    ? {
        why: `no id that surely names no record fits ${op.key}'s ${p.name} (a UUID, a long random string or a large integer): a made-up id of another form would be refused as malformed, not as unknown`,
      }
    : { id };
}
