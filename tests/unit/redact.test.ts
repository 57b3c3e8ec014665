import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Redactor } from '../../src/base/redact.ts';

/** A token never reaches output, in whatever form a request or an echoing server carried it. */
describe('Redactor', () => {
  const token = 'pat+LEAK/0SECRET==0';
  const redactor = new Redactor([{ name: 'pat-a', token }], []);
  const carried: Array<[string, string]> = [
    ['as sent', `Authorization: Bearer ${token}`],
    ['percent-encoded in a query string', `GET /v0/kyc/status?x-sumvin-pat=${encodeURIComponent(token)}`],
    [
      'percent-encoded, lower-case hex',
      `?pat=${encodeURIComponent(token)
        .toLowerCase()
        .replace(/leak|secret/g, (m) => m.toUpperCase())}`,
    ],
    ['form-encoded', new URLSearchParams({ pat: token }).toString()],
    ['inside a Basic credential', `Basic ${Buffer.from(`${token}:`).toString('base64')}`],
    ['inside a Basic credential, base64url', Buffer.from(`:${token}`).toString('base64url')],
    ['JSON-escaped in an echoed body', JSON.stringify({ echo: `"${token}"` })],
  ];
  test.each(carried)('%s', (_how, line) => {
    const out = redactor.text(line);
    expect(out).toContain('<redacted:pat-a>');
    expect(out).not.toMatch(/LEAK|SECRET/i);
  });

  test('any token, in any of those forms, is gone from the text (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 40, unit: fc.constantFrom(...'abcXYZ019+/=-_.~!*() :'.split('')) }), (secret) => {
        fc.pre(secret.trim().length >= 8);
        const r = new Redactor([{ name: 't', token: secret }], []);
        for (const line of [secret, encodeURIComponent(secret), new URLSearchParams({ q: secret }).toString(), Buffer.from(`${secret}:`).toString('base64')]) {
          expect(r.text(`x ${line} y`)).not.toContain(line.replace(/^q=/, ''));
        }
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  test('text without a token is left as it is', () => {
    expect(redactor.text('GET /v0/kyc/status?refresh=true')).toBe('GET /v0/kyc/status?refresh=true');
  });
});

describe('credentials the suite made up to be refused', () => {
  const redactor = new Redactor([{ name: 'full-a', token: 'app_live_realtoken_0001' }], ['app_']);
  const b64url = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  test.each([
    ['an unknown token with the prefix', 'Authorization: Bearer app_unissued_k3j4h5g6'],
    ['a token without the prefix', 'Authorization: Bearer sk_unissued_k3j4h5g6'],
    ['a Basic credential', `Authorization: Basic ${Buffer.from('app_unissued_k3j4h5g6:x').toString('base64')}`],
    ['an unknown JWT', `Authorization: Bearer ${b64url({ alg: 'HS256' })}.${b64url({ sub: 'unissued-k3j4h5g6' })}.k3j4h5g6`],
  ])('%s is printed as sent: no secret, and curl must send the same', (_what, line) => {
    expect(redactor.text(line)).toBe(line);
  });
  test('a real token, or anything shaped like one, is still hidden', () => {
    expect(redactor.text('Bearer app_live_realtoken_0001')).toBe('Bearer <redacted:full-a>');
    expect(redactor.text('Bearer app_live_someoneelses_9999')).not.toContain('someoneelses');
    expect(redactor.text(`Bearer ${b64url({ alg: 'HS256' })}.${b64url({ sub: 'user-1' })}.sig12345`)).not.toContain('user-1');
  });
});

/**
 * The capture scans a response's header names and values joined, once, and redacts field by field only when the
 * scan says a secret may be there: sound only if anything `text` would change in one part makes the scan of the
 * joined whole say so.
 */
test('a part that text() would change makes mayHoldSecret true for any string containing it (property)', () => {
  const token = 'app_live_Q7xY2mK9pL4s';
  const redactor = new Redactor([{ name: 'a', token }], ['app_']);
  const piece = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(token, token.slice(0, -2), token.toUpperCase(), 'Bearer ', 'Basic ', 'eyJhbGciOi', 'app_', '.eyJzdWIi', 'x-request-id', '\n', ': '),
  );
  const part = fc.array(piece, { maxLength: 5 }).map((xs) => xs.join(''));
  fc.assert(
    fc.property(part, part, part, (before, secretish, after) => {
      if (redactor.text(secretish) === secretish) return;
      expect(redactor.mayHoldSecret(`${before}\n${secretish}\n${after}`)).toBe(true);
    }),
    { numRuns: 2000 },
  );
});
