import { documentedResponse, isJsonMediaType, type Operation } from '../../spec/operations.ts';
import { escapeToken, foldIndices, getAll } from '../../spec/pointer.ts';
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
 * Whether a documented example of this status has the field at a body location present (any array element): a
 * field the docs' example shows is documented as there, even where the schema lets it be absent.
 */
export function exampleHasField(spec: SpecModel, op: Operation, status: number, location: string): boolean {
  const documented = documentedResponse(op, status);
  if (!documented) return false;
  const place = foldIndices(location);
  return Object.entries(documented.examples).some(([name, example]) => spec.provenance.at(documented.examplePointers[name]!).basis === 'documented' && getAll(example, place).length > 0);
}
