/**
 * The generic rules a declared flow (x-flows) is checked against, and the id each reports under unless the spec
 * names its own (`checks:` in the declaration — the Account flow keeps its published kyc-* ids).
 */
export type FlowRule = 'readAgrees' | 'resume' | 'flag' | 'refused' | 'wrongState' | 'terminalChanged' | 'notFound' | 'undeclaredEdge';

export const FLOW_CHECK_DEFAULTS = {
  readAgrees: 'flow-state-disagrees',
  resume: 'flow-create-not-resumed',
  flag: 'flow-flag-missing',
  refused: 'flow-transition-not-refused',
  wrongState: 'flow-transition-wrong-state',
  terminalChanged: 'flow-terminal-state-changed',
  notFound: 'flow-unknown-id-found',
  undeclaredEdge: 'flow-edge-undeclared',
} as const satisfies Record<FlowRule, string>;
