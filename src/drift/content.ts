import { isJsonMediaType } from '../spec/operations.ts';
import type { At, DiffRun, KeyRule } from './run.ts';
import { compareSchema, deprecatedRule, docRule, schemaAt, type Direction } from './schema.ts';
import { child, keysOf, value, type Side } from './side.ts';

/**
 * Request bodies, responses, headers and their media types — every media type, not only JSON: a media type
 * removed is a change, and each one's schema is compared in the direction it travels.
 * @see https://spec.openapis.org/oas/v3.1.0#media-type-object
 */

/** `(path) => location`, given the media type: JSON bodies read `body field x`, others `body [text/csv] field x`. */
type Placer = (mediaType: string, path: string) => string;

export function compareRequestBody(run: DiffRun, a: Side | undefined, b: Side | undefined, at: At, dir: Direction = 'request'): void {
  const here = { ...at, location: 'body' };
  if (!a || !b) {
    if (b) run.emit(value<Record<string, unknown>>(b)?.['required'] === true ? 'request-body-added-required' : 'request-body-added-optional', here, { to: b });
    else run.emit('request-body-removed', here, { from: a });
    return;
  }
  run.pairVisit(a, b);
  const place: Placer = (media, path) => `body${plainJson(media, a, b) ? '' : ` [${media}]`}${path ? ` field ${path}` : ''}`;
  run.net(here, a, b, () =>
    run.byKeys(a, b, here, [
      {
        keys: ['required'],
        compare: (r, x, y) =>
          r.emit(value(child(y, 'required')) === true ? 'request-body-became-required' : 'request-body-became-optional', here, {
            from: child(x, 'required'),
            to: child(y, 'required'),
          }),
      },
      { keys: ['content'], compare: (r, x, y) => compareContent(r, child(x, 'content'), child(y, 'content'), here, dir, (path) => path, place) },
      docRule(['description'], 'description-changed'),
    ]),
  );
}

/** Media types of a body, a response, or a parameter's `content`, matched by name. */
export function compareContent(
  run: DiffRun,
  a: Side | undefined,
  b: Side | undefined,
  at: At,
  dir: Direction,
  place: (path: string) => string,
  placeMedia?: Placer,
): void {
  const where = placeMedia ?? ((media: string, path: string) => place(`[${media}]${path ? ` ${path}` : ''}`));
  for (const media of new Set([...keysOf(a), ...keysOf(b)])) {
    const x = child(a, media);
    const y = child(b, media);
    const here = { ...at, location: where(media, '') };
    if (!x) run.emit(dir === 'request' ? 'request-media-type-added' : 'response-media-type-added', here, { to: y }, undefined, media);
    else if (!y) run.emit(dir === 'request' ? 'request-media-type-removed' : 'response-media-type-removed', here, { from: x }, media);
    else
      run.net(here, x, y, () =>
        run.byKeys(
          x,
          y,
          here,
          mediaRules(dir, (path) => where(media, path)),
        ),
      );
  }
}

function mediaRules(dir: Direction, place: (path: string) => string): KeyRule[] {
  return [
    {
      keys: ['schema'],
      compare: (run, a, b, at) => {
        const x = child(a, 'schema');
        const y = child(b, 'schema');
        const here = { ...at, location: place('') };
        if (!x) run.emit(dir === 'request' ? 'request-schema-added' : 'response-schema-added', here, { to: y });
        else if (!y) run.emit(dir === 'request' ? 'request-schema-removed' : 'response-schema-removed', here, { from: x });
        else compareSchema(run, x, y, schemaAt(at, dir, place));
      },
    },
    docRule(['encoding'], dir === 'request' ? 'request-encoding-changed' : 'unclassified-change'),
    docRule(['example', 'examples'], 'example-changed'),
  ];
}

/** JSON bodies keep the short location (`response 200 data.status`); other media types name themselves. */
function plainJson(media: string, a: Side, b: Side): boolean {
  const first = keysOf(child(b, 'content')).find(isJsonMediaType) ?? keysOf(child(a, 'content')).find(isJsonMediaType);
  return media === first;
}

const isSuccess = (status: string) => /^2(\d\d|XX)$/i.test(status);

/** Responses by status code: a success code removed or added breaks clients; error codes are information. */
export function compareResponses(run: DiffRun, a: Side | undefined, b: Side | undefined, at: At, dir: Direction = 'response'): void {
  for (const status of new Set([...keysOf(a), ...keysOf(b)])) {
    const x = child(a, status);
    const y = child(b, status);
    const here = { ...at, location: `response ${status}` };
    if (!x) run.emit(isSuccess(status) ? 'success-status-added' : 'error-status-added', here, { to: y });
    else if (!y) run.emit(isSuccess(status) ? 'success-status-removed' : 'error-status-removed', here, { from: x });
    else compareResponse(run, x, y, here, status, dir);
  }
}

function compareResponse(run: DiffRun, a: Side, b: Side, at: At, status: string, dir: Direction): void {
  run.pairVisit(a, b);
  const place: Placer = (media, path) => `response ${status}${plainJson(media, a, b) ? '' : ` [${media}]`} ${path || '(body)'}`;
  run.net(at, a, b, () =>
    run.byKeys(a, b, at, [
      { keys: ['content'], compare: (r, x, y) => compareContent(r, child(x, 'content'), child(y, 'content'), at, dir, (path) => path, place) },
      { keys: ['headers'], compare: (r, x, y) => compareHeaders(r, child(x, 'headers'), child(y, 'headers'), at, status, dir) },
      docRule(['description', 'summary'], 'description-changed'),
    ]),
  );
}

/** Response headers, by name without case; a `Sunset` header (RFC 8594) announces a removal date. */
function compareHeaders(run: DiffRun, a: Side | undefined, b: Side | undefined, at: At, status: string, dir: Direction): void {
  const byName = (s: Side | undefined) => new Map(keysOf(s).map((k) => [k.toLowerCase(), child(s, k)!]));
  const ha = byName(a);
  const hb = byName(b);
  for (const name of new Set([...ha.keys(), ...hb.keys()])) {
    const x = ha.get(name);
    const y = hb.get(name);
    const here = {
      ...at,
      location: `response ${status} header ${keysOf(b).find((k) => k.toLowerCase() === name) ?? keysOf(a).find((k) => k.toLowerCase() === name)}`,
    };
    if (!x) run.emit(name === 'sunset' ? 'sunset-added' : 'response-header-added', here, { to: y });
    else if (!y) run.emit(name === 'sunset' ? 'sunset-removed' : 'response-header-removed', here, { from: x });
    else {
      run.pairVisit(x, y);
      run.net(here, x, y, () =>
        run.byKeys(
          x,
          y,
          here,
          headerRules(dir, (path) => (path ? `${here.location} ${path}` : here.location)),
        ),
      );
    }
  }
}

function headerRules(dir: Direction, place: (path: string) => string): KeyRule[] {
  return [
    {
      keys: ['required'],
      compare: (run, a, b, at) =>
        run.emit(value(child(b, 'required')) === true ? 'response-header-became-required' : 'response-header-became-optional', at, {
          from: child(a, 'required'),
          to: child(b, 'required'),
        }),
    },
    { keys: ['schema'], compare: (run, a, b, at) => compareSchema(run, child(a, 'schema'), child(b, 'schema'), schemaAt(at, dir, place)) },
    { keys: ['content'], compare: (run, a, b, at) => compareContent(run, child(a, 'content'), child(b, 'content'), at, dir, place) },
    deprecatedRule(),
    docRule(['description'], 'description-changed'),
    docRule(['example', 'examples'], 'example-changed'),
  ];
}
