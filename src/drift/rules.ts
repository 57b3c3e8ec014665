/**
 * Every kind of spec change the drift engine names, with its level for a *client* of the API — oasdiff-style
 * stable ids, one table. A client breaks when the server may now send something it did not expect, or now
 * demands something it did not send.
 */
export const DRIFT_RULES = {
  'operation-removed': { level: 'breaking', says: 'the operation is gone' },
  'operation-added': { level: 'info', says: 'a new operation' },
  'success-status-removed': { level: 'breaking', says: 'a success status code is no longer documented' },
  'success-status-added': { level: 'breaking', says: 'a new success status code clients do not handle' },
  'error-status-added': { level: 'info', says: 'a new error status is documented' },
  'error-status-removed': { level: 'info', says: 'an error status is no longer documented' },
  'scope-requirement-changed': { level: 'breaking', says: 'the scopes that grant the operation changed' },
  'request-parameter-added-required': { level: 'breaking', says: 'a new required parameter' },
  'request-parameter-became-required': { level: 'breaking', says: 'an optional parameter is now required' },
  'request-parameter-added-optional': { level: 'info', says: 'a new optional parameter' },
  'request-parameter-removed': { level: 'warning', says: 'a parameter is no longer documented' },
  'request-property-added-required': { level: 'breaking', says: 'a new required body field' },
  'request-property-became-required': { level: 'breaking', says: 'a body field is now required' },
  'request-property-added-optional': { level: 'info', says: 'a new optional body field' },
  'request-enum-value-removed': { level: 'breaking', says: 'a value clients may send is no longer accepted' },
  'request-enum-value-added': { level: 'info', says: 'a new value clients may send' },
  'request-type-changed': { level: 'breaking', says: 'an input changed type or format' },
  'response-property-removed': { level: 'breaking', says: 'a response field is gone' },
  'response-property-became-optional': { level: 'breaking', says: 'a response field may now be absent' },
  'response-property-became-nullable': { level: 'breaking', says: 'a response field may now be null' },
  'response-type-changed': { level: 'breaking', says: 'a response field changed type' },
  'response-format-changed': { level: 'breaking', says: 'a response field changed format (e.g. date-time → epoch)' },
  'response-enum-value-added': { level: 'breaking', says: 'a response field may carry a value clients do not handle' },
  'response-enum-value-removed': { level: 'info', says: 'a response value is no longer sent' },
  'response-property-added': { level: 'info', says: 'a new response field' },
  'response-property-became-required': { level: 'info', says: 'a response field is now always present' },
  'description-changed': { level: 'info', says: 'documentation text changed' },
} as const satisfies Record<string, { level: 'breaking' | 'warning' | 'info'; says: string }>;

export type DriftRuleId = keyof typeof DRIFT_RULES;
export type DriftLevel = (typeof DRIFT_RULES)[DriftRuleId]['level'];

export interface DriftChange {
  rule: DriftRuleId;
  level: DriftLevel;
  /** `GET /kyc/status` */
  operation: string;
  /** Where: `response 200 data.status`, `query parameter page`, `body field callbackUrl`. */
  location: string;
  from?: string;
  to?: string;
}
