import { describe, test } from 'vitest';
import type { Exchange } from '../../../src/client/exchange.ts';
import { judgeFollowedLink, judgeLinkHref, type LinkRule } from '../../../src/checks/judges/links.ts';
import { DOCUMENTED } from '../../../src/spec/provenance.ts';
import { answered, expectFindings, INFERRED, unanswered, type Want } from '../support/judges.ts';

const BASE = 'http://127.0.0.1:4010/';
const self: LinkRule = { pointer: '/_links/self/href', sameResource: true, volatile: ['/requestId'] };
const next: LinkRule = { pointer: '/_links/next/href' };
const thing = { id: 't1', name: 'one', requestId: 'r1', _links: { self: { href: '/things/t1' } } };

describe('judgeLinkHref (link-broken: not a URL)', () => {
  test.each<[string, { given: string; want: Want[] }]>([
    ['a relative path is silent', { given: '/things/t1', want: [] }],
    ['an absolute URL is silent (whether it leaves the target is the scenario’s call)', { given: 'https://elsewhere.example/things/t1', want: [] }],
    [
      'an unparsable URL fires at the link',
      {
        given: 'http://[not a host',
        want: [{ location: '/_links/self/href', expected: 'a URL to follow', actual: '"http://[not a host"', basis: DOCUMENTED }],
      },
    ],
  ])('%s', (_, { given, want }) => {
    expectFindings(judgeLinkHref(given, BASE, self, DOCUMENTED), want);
  });
});

type Row = [string, { given: { followed: Exchange; rule: LinkRule }; want: Want[] }];

describe('judgeFollowedLink (link-broken: followed)', () => {
  test.each<Row>([
    ['a 2xx is silent when the link need not lead back', { given: { followed: answered(200, { json: { other: true } }), rule: next }, want: [] }],
    ['the same resource is silent', { given: { followed: answered(200, { json: thing }), rule: self }, want: [] }],
    [
      'the same resource apart from a volatile place is silent',
      { given: { followed: answered(200, { json: { ...thing, requestId: 'r2' } }), rule: self }, want: [] },
    ],
    [
      'a 404 fires',
      {
        given: { followed: answered(404), rule: next },
        want: [{ location: '/_links/next/href', expected: '2xx when /things/t1 is followed with the same credentials', actual: 'HTTP 404', basis: INFERRED }],
      },
    ],
    ['a 3xx fires (redirects are not followed)', { given: { followed: answered(301), rule: next }, want: [{ actual: 'HTTP 301' }] }],
    ['no answer fires, saying why', { given: { followed: unanswered('socket hang up'), rule: next }, want: [{ actual: 'no response (socket hang up)' }] }],
    [
      'another resource fires',
      {
        given: { followed: answered(200, { json: { ...thing, name: 'two' } }), rule: self },
        want: [
          { location: '/_links/self/href', expected: 'the same resource at /things/t1', actual: 'another body: {"id":"t1","name":"two"', basis: INFERRED },
        ],
      },
    ],
  ])('%s', (_, { given, want }) => {
    expectFindings(judgeFollowedLink(given.followed, thing, '/things/t1', given.rule, INFERRED), want);
  });
});
