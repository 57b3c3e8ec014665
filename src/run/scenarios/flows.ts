import fc from 'fast-check';
import type { Exchange } from '../../client/exchange.ts';
import type { Finding, Violation } from '../../checks/types.ts';
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
} from '../../checks/judges/flows.ts';
import { foreignRecordRefused } from '../../checks/judges/tenant.ts';
import type { TokenEntry } from '../../config/tokens.ts';
import type { Operation } from '../../spec/operations.ts';
import { getAt } from '../../spec/pointer.ts';
import { mergePatch, withValueAt } from '../../spec/merge-patch.ts';
import type { Basis } from '../../spec/provenance.ts';
import { isGranted } from '../../spec/rules.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { notFoundProbe, unknownId, type Flow, type FlowRule, type TransitionDeclaration } from '../flows/declaration.ts';
import { Ledger } from '../ledger.ts';
import { DEEP_RUNS_FACTOR, propertyRun, seedFor } from '../property.ts';
import { firstRequest } from './discover.ts';
import { judgeNegative } from '../../checks/judges/negatives.ts';
import { negativeCasesOf, negativeRequest } from './negatives.ts';
import { crossTenantRule } from './tenant.ts';
import { resultOf, type ScenarioResult } from './result.ts';
import { judgeResponse, judgeScenario, productionWriteBlocked } from './shared.ts';

/** What the run has learnt of one resource (a live one has history: unknown until seen). */
interface Resource {
  id?: string;
  state?: string;
  key?: string;
}

interface Model {
  resources: Resource[];
}

interface Real {
  violations: Violation[];
}

/**
 * A declared flow (x-flows), run generically: directed walks that reach every declared transition from an allowed
 * and a disallowed state (so each rule is exercised in every run, whatever the seed), then fast-check
 * model-based exploration (`fc.commands`) of creates, reads and transitions in random order. Ids flow from the
 * create to every operation that takes one, so path ids are real. Writes: never to a production host.
 */
export async function checkFlow(ctx: RunContext, flow: Flow, name: string): Promise<ScenarioResult> {
  const ledger = new Ledger();
  const label = `flow ${flow.decl.id}`;
  const rules = [...flow.rules.keys()];
  const na = (reason: string) => {
    for (const rule of rules) ledger.notApplicable(flow.check(rule), label, reason);
    return { ...resultOf(name, ledger), stateful: true };
  };
  if (ctx.target.kind === 'mock') return na('the static mock keeps no state between requests');
  for (const op of flow.operations) {
    const blocked = productionWriteBlocked(ctx, op);
    if (blocked) return na(blocked);
  }
  const token = ctx.tokens.find((t) => flow.operations.every((op) => isGranted(op, t, ctx.spec.rules)));
  if (!token) return na(`no token is granted every operation of the flow (${flow.operations.map((o) => o.id).join(', ')})`);
  for (const [rule, why] of flow.rules) if (why !== true) ledger.notApplicable(flow.check(rule), label, why);
  // Until a rule is exercised, say why not (a run too short to reach it is not a pass).
  for (const [rule, why] of flow.rules) if (why === true) ledger.notApplicable(flow.check(rule), label, 'no step of this run reached it');

  const runner = new FlowRunner(ctx, flow, token, ledger);
  const directed: Real = { violations: [] };
  await runner.directed(directed);

  let failing: Violation[] = directed.violations;
  const commands = runner.commands();
  const explore = (maxCommands: number, options: fc.Parameters<[Iterable<fc.AsyncCommand<Model, Real>>]>) =>
    fc.check(
      fc.asyncProperty(fc.commands(commands, { maxCommands }), async (cmds) => {
        const real: Real = { violations: [] };
        await fc.asyncModelRun(() => ({ model: runner.freshModel(), real }), cmds);
        ctx.clock.countCase(label);
        if (real.violations.length) {
          if (!failing.length) failing = real.violations;
          return false;
        }
        return true;
      }),
      options,
    );
  // No replay path: the server's state has moved on since, so a recorded path cannot be walked again.
  const { runs, seed } = propertyRun(ctx.settings, ctx.runSeed, name);
  let details = await explore(8, { seed, numRuns: Math.min(runs, 25) });
  if (ctx.clock.deep && !details.failed && !failing.length) {
    // Deep: longer sequences, many more of them, for this flow's share of the time budget — on a seed of their own,
    // so the normal run's exploration above stays exactly what it is (and replays the same).
    const until = ctx.clock.extensionUntil();
    const deeper = await explore(DEEP_MAX_COMMANDS, {
      seed: seedFor(ctx.runSeed, `${name} (deep)`),
      numRuns: runs * DEEP_RUNS_FACTOR,
      interruptAfterTimeLimit: Math.max(1, until - Date.now()),
    });
    details = { ...deeper, numRuns: details.numRuns + deeper.numRuns };
  }
  const result = resultOf(name, ledger);
  return {
    ...result,
    stateful: true,
    seed: details.seed,
    runs: details.numRuns,
    errors: failing.filter((v) => v.severity === 'error'),
    ...(details.counterexample ? { counterexample: commandsRan(details.counterexample[0]) } : {}),
  };
}

/**
 * A failing command sequence as fast-check prints it: the commands that ran (each its toString), comma-separated,
 * with fast-check's replay metadata. The value fc.commands draws is typed a plain Iterable, but carries that toString.
 */
function commandsRan(commands: Iterable<fc.AsyncCommand<Model, Real>>): string {
  return (commands as Iterable<fc.AsyncCommand<Model, Real>> & { toString(): string }).toString();
}

/** Commands per sequence a deep run explores (8 otherwise). */
const DEEP_MAX_COMMANDS = 24;

class FlowRunner {
  /** A singleton flow's model survives between command sequences: the server's state does too. */
  private singleton: Resource = {};

  constructor(
    private readonly ctx: RunContext,
    private readonly flow: Flow,
    private readonly token: TokenEntry,
    private readonly ledger: Ledger,
  ) {}

  freshModel(): Model {
    return { resources: this.flow.decl.idPointer ? [] : [this.singleton] };
  }

  private basis(member = ''): Basis {
    return this.ctx.spec.provenance.at(`${this.flow.pointer}${member}`);
  }

  private observe(e: Exchange): Resource {
    const json = e.response && e.response.status < 300 ? e.response.json : undefined;
    const pick = (p?: string) => {
      const v = p ? getAt(json, p) : undefined;
      return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
    };
    const state = pick(this.flow.decl.statePointer);
    const id = pick(this.flow.decl.idPointer);
    const key = pick(this.flow.decl.keyPointer);
    return { ...(state !== undefined ? { state } : {}), ...(id !== undefined ? { id } : {}), ...(key !== undefined ? { key } : {}) };
  }

  private async send(
    op: Operation,
    r: Resource | undefined,
    keyBody?: string,
    idParam?: string,
    token = this.token,
    id: string | number | undefined = r?.id,
    patch?: Record<string, unknown>,
  ): Promise<Exchange> {
    const request = firstRequest(this.ctx, op, undefined, token);
    const param = idParam ?? op.parameters.find((p) => p.in === 'path')?.name;
    if (param && id !== undefined) request.path = { ...request.path, [param]: id };
    if (patch) request.body = mergePatch(request.body ?? {}, patch);
    if (keyBody && r?.key !== undefined) request.body = withValueAt(request.body, keyBody, r.key);
    return this.ctx.transport.send(op, request, tokenAuth(this.ctx, token));
  }

  /** Books what a judge found under the id this flow reports the rule as. */
  private judge(real: Real, rule: FlowRule, op: Operation, e: Exchange, findings: Finding[]): void {
    real.violations.push(...judgeScenario(this.ctx, this.ledger, this.flow.check(rule), op, e, findings));
  }

  /**
   * Every move of a resource seen between two answers about it, whichever operation showed it: out of a terminal
   * state is `terminalChanged` (where the caller has not judged it already), and along an edge the flow does not
   * declare (`edges`) is `undeclaredEdge`.
   */
  private moved(real: Real, op: Operation, e: Exchange, before: string | undefined, after: string | undefined, terminalJudged = false): void {
    if (before === undefined || after === undefined) return;
    const { statePointer, terminal, edges } = this.flow.decl;
    if (!terminalJudged && terminal?.includes(before))
      this.judge(real, 'terminalChanged', op, e, terminalStateKept({ statePointer, before, after, opId: op.id, basis: this.basis('/terminal') }));
    if (before === after) return;
    if (edges) this.judge(real, 'undeclaredEdge', op, e, edgeDeclared({ statePointer, edges, before, after, opId: op.id, basis: this.basis('/edges') }));
  }

  private book(op: Operation, e: Exchange, real: Real): void {
    real.violations.push(...judgeResponse(this.ctx, this.ledger, op, e).filter((v) => v.severity === 'error'));
  }

  async create(model: Model, real: Real): Promise<Resource | undefined> {
    const op = this.flow.create!;
    const single = !this.flow.decl.idPointer ? model.resources[0]! : undefined;
    const e = await this.send(op, undefined);
    this.book(op, e, real);
    if (!e.response || e.response.status >= 300) return undefined;
    const seen = this.observe(e);
    const { flag } = this.flow.decl.create!;
    if (single && flag && single.state !== undefined && flag.when.includes(single.state)) {
      this.judge(real, 'flag', op, e, flagSet({ exchange: e, flag, state: single.state, basis: this.basis('/create/flag') }));
      this.moved(real, op, e, single.state, seen.state);
      if (seen.state !== undefined) single.state = seen.state;
      return single;
    }
    if (single && this.flow.decl.keyPointer && single.key !== undefined && single.state !== undefined && this.flow.decl.active?.includes(single.state)) {
      const active = { key: single.key, state: single.state };
      this.judge(real, 'resume', op, e, createResumed({ keyPointer: this.flow.decl.keyPointer, active, seenKey: seen.key, basis: this.basis('/active') }));
    }
    if (single) {
      this.moved(real, op, e, single.state, seen.state);
      Object.assign(single, seen);
      return single;
    }
    if (seen.id === undefined) return undefined;
    const r: Resource = seen;
    model.resources.push(r);
    return r;
  }

  async read(r: Resource, real: Real): Promise<void> {
    const op = this.flow.read!;
    const e = await this.send(op, r, undefined, this.flow.decl.read?.idParam);
    this.book(op, e, real);
    if (!e.response || e.response.status >= 300) return;
    const seen = this.observe(e);
    if (r.state !== undefined || r.key !== undefined)
      this.judge(real, 'readAgrees', op, e, readAgrees({ flow: this.flow.decl, last: r, seen, basis: this.basis() }));
    this.moved(real, op, e, r.state, seen.state);
    Object.assign(r, seen);
  }

  async transition(t: { decl: TransitionDeclaration; op: Operation }, r: Resource, real: Real): Promise<void> {
    const before = r.state;
    const e = await this.send(t.op, r, t.decl.keyBody, t.decl.idParam, undefined, undefined, t.decl.body);
    this.book(t.op, e, real);
    const status = e.response?.status;
    const allowed = t.decl.from === undefined || t.decl.from === 'any' || (before !== undefined && t.decl.from.includes(before));
    const at = `/transitions/${this.flow.transitions.findIndex((x) => x.decl === t.decl)}`;
    // A transition the server runs another one before (gu1's approve syncs first) may legitimately succeed from a
    // state that other one moves on: its refusal is judged only from a state that cannot move (terminal, preserved).
    const settled = (s: string) =>
      !!this.flow.decl.terminal?.includes(s) || this.flow.transitions.some((x) => x.op.id === t.decl.syncsFirst && x.decl.preserves?.includes(s));
    if (before !== undefined && !allowed && t.decl.refusal !== undefined && (!t.decl.syncsFirst || settled(before))) {
      const from = t.decl.from as string[];
      this.judge(
        real,
        'refused',
        t.op,
        e,
        refusedAsDocumented({ exchange: e, opId: t.op.id, refusal: t.decl.refusal, from, before, basis: this.basis(`${at}/refusal`) }),
      );
      if (status !== undefined && status < 300) {
        const seen = this.observe(e);
        this.moved(real, t.op, e, before, seen.state);
        Object.assign(r, seen);
      }
      return;
    }
    if (status === undefined || status >= 300) return;
    const seen = this.observe(e);
    if (!allowed) {
      // Succeeded from outside `from` where that is not judged (syncsFirst): the server moved it first — along
      // declared edges, and never out of a terminal state.
      this.moved(real, t.op, e, before, seen.state);
      Object.assign(r, seen);
      return;
    }
    if (allowed && t.decl.to !== undefined && seen.state !== undefined && before !== undefined) {
      const { statePointer } = this.flow.decl;
      const reached = transitionReached({ statePointer, opId: t.op.id, before, to: t.decl.to, after: seen.state, basis: this.basis(`${at}/to`) });
      this.judge(real, 'wrongState', t.op, e, reached);
    }
    const kept = before !== undefined && (this.flow.decl.terminal?.includes(before) || t.decl.preserves?.includes(before));
    if (kept && seen.state !== undefined) {
      const where = t.decl.preserves?.includes(before) ? `${at}/preserves` : '/terminal';
      const { statePointer } = this.flow.decl;
      this.judge(real, 'terminalChanged', t.op, e, transitionKeptState({ statePointer, opId: t.op.id, before, after: seen.state, basis: this.basis(where) }));
    }
    this.moved(real, t.op, e, before, seen.state, kept);
    Object.assign(r, seen);
    if (seen.state === undefined && allowed && t.decl.to !== undefined) r.state = t.decl.to;
  }

  /** A transition the server drives (the provider moves the resource): usable to walk towards a state. */
  private drivers(): Array<{ decl: TransitionDeclaration; op: Operation }> {
    return this.flow.transitions.filter((t) => (t.decl.from === undefined || t.decl.from === 'any') && t.decl.to === undefined);
  }

  /**
   * Deterministic walks, every run: an unknown id; each constrained transition once from a state it is not allowed
   * from and once from one it is (driving the resource there through the server-driven transitions); every
   * server-driven transition after a terminal state; and another tenant's token on a created resource.
   */
  async directed(real: Real): Promise<void> {
    const model = this.freshModel();
    const decl = this.flow.decl;
    const probe = notFoundProbe(decl, this.flow.read, this.flow.transitions);
    const unknown = probe && unknownId(this.ctx.spec, probe.op, probe.param);
    // Not applicable otherwise: the flow's rules say why (declaration.ts).
    if (probe && unknown && 'id' in unknown) {
      const e = await this.send(probe.op, undefined, undefined, probe.param, this.token, unknown.id);
      this.book(probe.op, e, real);
      this.judge(real, 'notFound', probe.op, e, unknownIdNotFound({ exchange: e, wanted: decl.notFound ?? 404, basis: this.basis('/notFound') }));
    }
    if (!this.flow.create) return;
    if (!decl.idPointer) {
      // One resource per token: create, read back, create again (resume or flag), move it, read back.
      const r = await this.create(model, real);
      if (!r) return;
      if (this.flow.read) await this.read(r, real);
      await this.create(model, real);
      for (const t of this.flow.transitions) {
        if (t.decl.keyBody && r.key === undefined) continue;
        await this.transition(t, r, real);
        if (this.flow.read) await this.read(r, real);
      }
      await this.settle(r, real);
      return;
    }
    await this.foreign(model, real);
    for (const t of this.flow.transitions.filter((x) => Array.isArray(x.decl.from))) {
      const from = t.decl.from as string[];
      const wrong = await this.create(model, real);
      if (wrong?.state !== undefined && !from.includes(wrong.state)) await this.transition(t, wrong, real);
      const r = await this.create(model, real);
      if (!r) continue;
      for (let step = 0; step < 8 && r.state !== undefined && !from.includes(r.state); step++) {
        const driver = this.drivers()[0];
        if (!driver) break;
        await this.transition(driver, r, real);
      }
      if (r.state === undefined || !from.includes(r.state)) continue;
      await this.negatives(t, r, real);
      await this.transition(t, r, real);
      if (this.flow.read) await this.read(r, real);
      if (r.state !== undefined && (decl.terminal?.includes(r.state) || this.drivers().some((d) => d.decl.preserves?.includes(r.state!)))) {
        // From a settled state: every server-driven transition leaves it as it is, and every constrained one that
        // does not list it is refused (a cancel of an approved validation).
        for (const d of this.flow.transitions.filter((x) => x.decl.from === undefined || x.decl.from === 'any')) {
          await this.transition(d, r, real);
          if (this.flow.read) await this.read(r, real);
        }
        for (const c of this.flow.transitions.filter((x) => Array.isArray(x.decl.from) && x.decl.refusal !== undefined && !x.decl.from.includes(r.state!))) {
          await this.transition(c, r, real);
          if (this.flow.read) await this.read(r, real);
        }
      }
    }
  }

  /**
   * A singleton driven on by the server-driven transitions until it settles — a terminal state, or a state they no
   * longer move — and then driven once more: nothing moves it out of a terminal state (an approved verification a
   * refresh sends back to review), nor along an undeclared edge.
   */
  private async settle(r: Resource, real: Real): Promise<void> {
    const usable = this.drivers().filter((d) => !d.decl.keyBody || r.key !== undefined);
    for (let step = 0; step < 6 && usable.length; step++) {
      const before = r.state;
      for (const d of usable) {
        await this.transition(d, r, real);
        if (this.flow.read) await this.read(r, real);
      }
      if (r.state === undefined || r.state === before || this.flow.decl.terminal?.includes(r.state)) break;
    }
    if (r.state !== undefined && this.flow.decl.terminal?.includes(r.state)) {
      for (const d of usable) {
        await this.transition(d, r, real);
        if (this.flow.read) await this.read(r, real);
      }
    }
  }

  /**
   * The documented error matrix of a transition (x-negative-cases), sent to a resource in a state the transition is
   * allowed from: the refusal is then the change's doing. A case the server accepts has moved the resource: it is
   * read back before the walk goes on.
   */
  private async negatives(t: { decl: TransitionDeclaration; op: Operation }, r: Resource, real: Real): Promise<void> {
    for (const [i, c] of negativeCasesOf(t.op).entries()) {
      const valid = firstRequest(this.ctx, t.op, undefined, this.token);
      const param = t.decl.idParam ?? t.op.parameters.find((p) => p.in === 'path')?.name;
      if (param && r.id !== undefined) valid.path = { ...valid.path, [param]: r.id };
      if (t.decl.body) valid.body = mergePatch(valid.body ?? {}, t.decl.body);
      const e = await this.ctx.transport.send(t.op, negativeRequest(valid, c), tokenAuth(this.ctx, this.token));
      this.book(t.op, e, real);
      real.violations.push(
        ...judgeScenario(
          this.ctx,
          this.ledger,
          'negative-case-not-refused',
          t.op,
          e,
          judgeNegative(c, e, this.ctx.spec, `${t.op.pointer}/x-negative-cases/${i}`),
        ),
      );
      if (e.response && e.response.status < 300) {
        Object.assign(r, this.observe(e));
        if (this.flow.read) await this.read(r, real);
      }
    }
  }

  /** Another tenant's token never reaches a resource of this one: 404 (the tenant check, on real ids). */
  private async foreign(model: Model, real: Real): Promise<void> {
    const read = this.flow.read;
    const other =
      this.ctx.spec.rules.tenant && read ? this.ctx.tokens.find((t) => t.store !== this.token.store && isGranted(read, t, this.ctx.spec.rules)) : undefined;
    if (!read || !other) {
      this.ledger.notApplicable(
        'tenant-cross-store-readable',
        `flow ${this.flow.decl.id}`,
        !this.ctx.spec.rules.tenant ? 'the spec declares no x-tenant' : 'needs a token of another tenant that may read the resource',
      );
      return;
    }
    const r = await this.create(model, real);
    if (!r?.id) return;
    const e = await this.send(read, r, undefined, this.flow.decl.read?.idParam, other);
    this.book(read, e, real);
    const findings = foreignRecordRefused({
      exchange: e,
      rule: crossTenantRule(this.ctx),
      owner: this.token.store,
      reader: other.store,
      resource: { id: r.id, token: other.name },
    });
    real.violations.push(...judgeScenario(this.ctx, this.ledger, 'tenant-cross-store-readable', read, e, findings));
  }

  commands(): Array<fc.Arbitrary<fc.AsyncCommand<Model, Real>>> {
    const out: Array<fc.Arbitrary<fc.AsyncCommand<Model, Real>>> = [];
    const pick = fc.nat({ max: 7 });
    const nth = (m: Model, i: number) => m.resources[i % Math.max(1, m.resources.length)];
    if (this.flow.create) {
      out.push(
        fc.constant<fc.AsyncCommand<Model, Real>>({
          check: (m) => m.resources.length < 4 || !this.flow.decl.idPointer,
          run: async (m, r) => void (await this.create(m, r)),
          toString: () => `create(${this.flow.create!.id})`,
        }),
      );
    }
    if (this.flow.read) {
      out.push(
        pick.map((i) => ({
          check: (m: Model) => m.resources.length > 0,
          run: async (m: Model, r: Real) => this.read(nth(m, i)!, r),
          toString: () => `read(#${i})`,
        })),
      );
    }
    for (const t of this.flow.transitions) {
      out.push(
        pick.map((i) => ({
          check: (m: Model) => m.resources.length > 0 && (!t.decl.keyBody || nth(m, i)?.key !== undefined),
          run: async (m: Model, r: Real) => this.transition(t, nth(m, i)!, r),
          toString: () => `${t.op.id}(#${i})`,
        })),
      );
    }
    return out;
  }
}
