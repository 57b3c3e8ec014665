import { describe, expect, test } from 'vitest';
import type { Exchange } from '../../src/client/exchange.ts';
import { prismRefusal } from '../../src/run/scenarios/responses.ts';

/**
 * On the mock, a valid request Prism's validator refuses is a note about the mock (Prism reads some schemas, e.g.
 * anyOf query arrays, its own way), never a finding: told apart from a refusal the spec's own example makes.
 */
const answer = (status: number, headers: Record<string, string>, body: unknown): Exchange => ({
  request: { operation: 'GET /x', method: 'GET', url: 'http://m/x', headers: {} },
  response: { status, headers, text: JSON.stringify(body), json: body },
  ms: 1,
});
const violations = JSON.stringify([{ location: ['request', 'query', 'products'], severity: 'Error', code: 'type', message: 'must be array' }]);

describe('whose refusal a 4xx is', () => {
  test.each<[string, Exchange, string | undefined]>([
    [
      "Prism's own problem body",
      answer(
        422,
        {},
        { type: 'https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY', validation: [{ location: ['request', 'body', 'id'], message: 'must be string' }] },
      ),
      'request.body.id must be string',
    ],
    [
      "the spec's documented 422, served by Prism with its validator's word in sl-violations",
      answer(422, { 'sl-violations': violations }, { detail: [] }),
      'request.query.products must be array',
    ],
    [
      'a cut-short sl-violations header',
      answer(422, { 'sl-violations': 'Too many violations! [{"location":["request"' }, {}),
      'Too many violations! [{"location":["request"',
    ],
    [
      'only response violations (Prism checking its own answer)',
      answer(422, { 'sl-violations': JSON.stringify([{ location: ['response', 'body'], severity: 'Error', message: 'x' }]) }, {}),
      undefined,
    ],
    ["a 422 served without Prism's word (a live server, or the spec's example)", answer(422, {}, { detail: 'invalid' }), undefined],
  ])('%s', (_name, exchange, refusal) => {
    expect(prismRefusal(exchange)).toBe(refusal);
  });
});
