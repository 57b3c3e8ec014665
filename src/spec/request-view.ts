import { deref } from './refs.ts';
import type { WalkContext } from './schema-walk.ts';
import type { OpenApiDocument } from './types.ts';
import { Validators } from './validators.ts';

type Node = Record<string, unknown>;

/**
 * The document as a request sees it: a `readOnly` property is one the client "SHOULD NOT" send, and one a
 * `required` list names is required in responses only — so it is not generated in a valid request, not broken
 * by an invalid one (a server may ignore it, as Prism does), and not required by the request validator.
 * Everything else is the same objects (copied only along the way to a change), at the same JSON pointers, so the
 * operation index, provenance and pointers of the original document apply unchanged.
 * @see https://spec.openapis.org/oas/v3.1.0#fixed-fields-19 (readOnly)
 * @see https://spec.openapis.org/oas/v3.0.3#fixed-fields-19 ("required … take effect on the response only")
 */
export function requestView(ctx: WalkContext): WalkContext {
  let view = views.get(ctx.doc);
  if (!view) {
    const doc = stripReadOnly(ctx.doc);
    view = doc === ctx.doc ? ctx : { doc, validators: new Validators(doc), provenance: ctx.provenance };
    views.set(ctx.doc, view);
    views.set(view.doc, view);
  }
  return view;
}

const views = new WeakMap<OpenApiDocument, WalkContext>();

function stripReadOnly(doc: OpenApiDocument): OpenApiDocument {
  const done = new Map<object, unknown>();
  const isReadOnly = (schema: unknown): boolean => {
    if (!schema || typeof schema !== 'object') return false;
    if ((schema as Node)['readOnly'] === true) return true;
    const target = deref<Node>(doc, schema);
    return target !== schema && !!target && typeof target === 'object' && target['readOnly'] === true;
  };
  const visit = (node: unknown, key: string): unknown => {
    if (!node || typeof node !== 'object') return node;
    // Examples are data, not schemas: a field named "properties" in one is left alone.
    if (key === 'example' || key === 'examples' || key.startsWith('x-')) return node;
    const seen = done.get(node);
    if (seen !== undefined) return seen;
    done.set(node, node); // a node reached again while it is being visited stays as it is
    let out: unknown = node;
    if (Array.isArray(node)) {
      const items = node.map((item) => visit(item, ''));
      if (items.some((item, i) => item !== node[i])) out = items;
    } else {
      const n = node as Node;
      const copy: Node = {};
      let changed = false;
      for (const [k, v] of Object.entries(n)) {
        const next = visit(v, k);
        copy[k] = next;
        if (next !== v) changed = true;
      }
      const props = copy['properties'];
      const dropped = props && typeof props === 'object' && !Array.isArray(props) ? Object.keys(props).filter((name) => isReadOnly((props as Node)[name])) : [];
      if (dropped.length) {
        copy['properties'] = Object.fromEntries(Object.entries(props as Node).filter(([name]) => !dropped.includes(name)));
        if (Array.isArray(copy['required'])) copy['required'] = (copy['required'] as unknown[]).filter((name) => !dropped.includes(name as string));
        changed = true;
      }
      if (changed) out = copy;
    }
    done.set(node, out);
    return out;
  };
  return visit(doc, '') as OpenApiDocument;
}
