import { documentedResponse, isJsonMediaType, type Operation } from '../../spec/operations.ts';
import { escapeToken, getAt } from '../../spec/pointer.ts';
import { walk } from '../../spec/schema-walk.ts';
import { deref, refOf } from '../../spec/refs.ts';
import { DOCUMENTED, eitherInferred, type Basis } from '../../spec/provenance.ts';
import type { SpecModel } from '../types.ts';

/**
 * What a response-convention finding rests on: the convention's own member (`/x-envelope/nullDataOnError`) and
 * the documented response the body answers — a 404 body whose shape the spec only guesses makes any convention
 * finding on it a guess too.
 */
export function conventionBasis(spec: SpecModel, op: Operation, status: number, place: string): Basis {
  return eitherInferred(spec.provenance.at(place), bodyBasis(spec, op, status));
}

/** The basis of "this status has a JSON body of this shape": the marking on its response or media type. */
export function bodyBasis(spec: SpecModel, op: Operation, status: number): Basis {
  const documented = documentedResponse(op, status);
  if (!documented) return DOCUMENTED;
  const json = documented.contentTypes.find(isJsonMediaType);
  return spec.provenance.at(json ? `${documented.pointer}/content/${escapeToken(json)}` : documented.pointer);
}

/**
 * Whether one of the documented examples of this status (one the docs show, not one the spec made up) shows the
 * value at `field`: what an example shows is documented, whatever the general rule's basis.
 */
export function exampleShows(spec: SpecModel, op: Operation, status: number, field: string, value: unknown): boolean {
  const documented = documentedResponse(op, status);
  if (!documented) return false;
  return Object.entries(documented.examples).some(([name, example]) => {
    if (!example || typeof example !== 'object' || (example as Record<string, unknown>)[field] !== value) return false;
    return spec.provenance.at(documented.examplePointers[name]!).basis === 'documented';
  });
}

/**
 * What the spec's documented examples show of a field of an object schema — any object of that schema, in any
 * example of any operation: present (every example that shows such an object has it), absent (one leaves it out:
 * the docs show it may be left out — DigitalOcean's firewall-rule `tags`, present in one example, absent from
 * another), or not shown.
 */
export function exampleShowsField(spec: SpecModel, objectSchema: string | undefined, field: string): 'present' | 'absent' | 'not shown' {
  if (objectSchema === undefined) return 'not shown';
  return fieldEvidence(spec).get(`${objectSchema}\u0000${field}`) ?? 'not shown';
}

const evidence = new WeakMap<SpecModel, Map<string, 'present' | 'absent'>>();

/** Every (object schema, field) the documented examples show, walked once per spec. */
function fieldEvidence(spec: SpecModel): Map<string, 'present' | 'absent'> {
  let map = evidence.get(spec);
  if (map) return map;
  map = new Map();
  for (const op of spec.operations) {
    for (const documented of op.responses.values()) {
      if (!documented.schemaPointer) continue;
      for (const [, example] of documentedExamples(spec, documented)) {
        for (const v of walk(spec, documented.schemaPointer, example)) {
          const at = v.keywordAt.get('properties');
          if (!v.present || at === undefined || !v.value || typeof v.value !== 'object' || Array.isArray(v.value)) continue;
          for (const name of Object.keys((v.schema['properties'] as object | undefined) ?? {})) {
            const key = `${at}\u0000${name}`;
            if (!Object.prototype.hasOwnProperty.call(v.value, name)) map.set(key, 'absent');
            else if (!map.has(key)) map.set(key, 'present');
          }
        }
      }
    }
  }
  evidence.set(spec, map);
  return map;
}

/** The examples of a response the docs show (not ones the spec made up): named ones, and its schema's own. */
function documentedExamples(spec: SpecModel, documented: NonNullable<ReturnType<typeof documentedResponse>>): Array<[string, unknown]> {
  const out = Object.entries(documented.examples).filter(([name]) => spec.provenance.at(documented.examplePointers[name]!).basis === 'documented');
  if (documented.schemaPointer) {
    const schema = deref<Record<string, unknown>>(spec.doc, getAt(spec.doc, documented.schemaPointer));
    const at = refOf(getAt(spec.doc, documented.schemaPointer)) ?? documented.schemaPointer;
    if (schema && 'example' in schema && spec.provenance.at(`${at}/example`).basis === 'documented') out.push(['schema example', schema['example']]);
  }
  return out;
}
