import type { Exchange } from '../../client/exchange.ts';
import { judgeFollowedLink, judgeLinkHref, type LinkRule } from '../../checks/judges/links.ts';
import { documentedResponse, type Operation } from '../../spec/operations.ts';
import { getAt } from '../../spec/pointer.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { firstRequest } from './discover.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { grantingToken, judgeResponse, judgeScenario, servedExample } from './shared.ts';

/** The links a response declares (`x-links` on it, else on the document), with where the declaration is. */
export function linksOf(ctx: RunContext, op: Operation, status: number): Array<{ rule: LinkRule; at: string }> {
  const documented = documentedResponse(op, status);
  const own = documented?.extensions['x-links'] as LinkRule[] | undefined;
  if (own) return own.map((rule, i) => ({ rule, at: `${documented!.pointer}/x-links/${i}` }));
  return ((ctx.spec.doc['x-links'] as LinkRule[] | undefined) ?? []).map((rule, i) => ({ rule, at: `/x-links/${i}` }));
}

const declaresLinks = (ctx: RunContext, op: Operation) => [...op.responses.values()].some((r) => r.extensions['x-links']) || !!ctx.spec.doc['x-links'];

/**
 * Hypermedia (`x-links`): every link a response declares (`_links.self.href` …) is followed with the same
 * credentials and answers 2xx — with the same resource, when the declaration says so (apart from volatile parts).
 * Links are followed on the target only: one pointing at another host is not this run's to follow.
 */
export async function checkLinks(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  if (!declaresLinks(ctx, op)) return notApplicable(name, op.key, ['link-broken'], 'the spec declares no x-links for this operation');
  if (op.writes) return notApplicable(name, op.key, ['link-broken'], 'write operation: links are followed from reads only');
  const token = grantingToken(ctx, op);
  if (!token) return notApplicable(name, op.key, ['link-broken'], 'no token in the matrix grants this operation');
  const request = firstRequest(ctx, op, undefined, token);
  if (request.unsatisfiable) return notApplicable(name, op.key, ['link-broken'], `could not generate a valid request: ${request.unsatisfiable.join('; ')}`);
  const ledger = new Ledger();
  const auth = tokenAuth(ctx, token);
  const first = await ctx.transport.send(op, request, auth);
  judgeResponse(ctx, ledger, op, first);
  const r = first.response;
  if (ctx.target.kind === 'mock' && servedExample(ctx, op, first) === null) {
    ledger.notApplicable('link-broken', op.key, 'the mock made the body up from the schema (no example): its links are placeholders');
    return resultOf(name, ledger);
  }
  if (!r || r.status >= 300 || r.json === undefined) {
    ledger.notApplicable('link-broken', op.key, `no 2xx JSON answer to follow links from (${r ? `HTTP ${r.status}` : first.failure?.message})`);
    return resultOf(name, ledger);
  }
  const origin = new URL(ctx.target.baseUrl);
  for (const { rule, at } of linksOf(ctx, op, r.status)) {
    const href = getAt(r.json, rule.pointer);
    const basis = ctx.spec.provenance.at(at);
    if (typeof href !== 'string') {
      ledger.notApplicable('link-broken', op.key, `no link at ${rule.pointer}`);
      continue;
    }
    const base = `${origin.origin}/`;
    const unfollowable = judgeLinkHref(href, base, rule, basis);
    if (unfollowable.length) {
      judgeScenario(ctx, ledger, 'link-broken', op, first, unfollowable);
      continue;
    }
    const url = new URL(href, base);
    if (url.origin !== origin.origin) {
      ledger.notApplicable('link-broken', op.key, `the link leaves the target (${url.origin}): not followed`);
      continue;
    }
    const followed = await follow(ctx, op, url, auth);
    judgeResponse(ctx, ledger, followed.op, followed.exchange);
    judgeScenario(ctx, ledger, 'link-broken', op, followed.exchange, judgeFollowedLink(followed.exchange, r.json, href, rule, basis));
  }
  return resultOf(name, ledger);
}

/** A link is a GET; when its path is one of the spec's, it is judged as that operation. */
async function follow(ctx: RunContext, from: Operation, url: URL, auth: ReturnType<typeof tokenAuth>): Promise<{ op: Operation; exchange: Exchange }> {
  const basePath = new URL(ctx.target.baseUrl).pathname.replace(/\/+$/, '');
  const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) || '/' : url.pathname;
  const match = ctx.spec.operations.find(
    (o) => o.method === 'get' && new RegExp(`^${o.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\\{[^}]+\\\}|\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  const op: Operation = match ?? { ...from, method: 'get', path, key: `GET ${path}`, parameters: [] };
  const query = Object.fromEntries(url.searchParams);
  const params = match
    ? Object.fromEntries(
        match.path
          .split('/')
          .map((seg, i) => [seg, path.split('/')[i]])
          .filter(([seg]) => /^\{.+\}$/.test(seg!))
          .map(([seg, v]) => [seg!.slice(1, -1), decodeURIComponent(v ?? '')]),
      )
    : {};
  const exchange = await ctx.transport.send({ ...op, path: match ? match.path : path }, { path: params, query, headers: {} }, auth);
  return { op, exchange };
}
