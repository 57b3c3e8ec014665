/**
 * A consumer sample for gu1: code written the way an app uses the KYC validations API through the typed client.
 * It is type-checked against generated/gu1-kyc.ts (npm test) and, by `npm run drift -- --types`, against the types
 * of a candidate spec — a line that stops compiling is a change that breaks apps like this one.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from 'contract-types/gu1';

type Schemas = components['schemas'];
type ValidationStatus = Schemas['ValidationStatus'];

export const client = createClient<paths>({
  baseUrl: 'https://api.gu1.ai',
  headers: { Authorization: `Bearer ${process.env['GU1_API_KEY'] ?? ''}` },
});

/** Exhaustive over the documented states: a new state must be handled before this compiles again. */
export function nextStep(status: ValidationStatus): string {
  switch (status) {
    case 'pending':
      return 'Send the verification link to the customer';
    case 'in_progress':
      return 'The customer is completing verification';
    case 'in_review':
      return 'Compliance review needed: approve or reject';
    case 'approved':
      return 'Identity verified';
    case 'rejected':
      return 'Verification failed — start a new validation if appropriate';
    case 'expired':
    case 'abandoned':
    case 'cancelled':
      return 'No verification running — create a new validation';
    default: {
      const unhandled: never = status;
      return unhandled;
    }
  }
}

/** Timestamps are ISO 8601 strings (required ones read without null checks, as the schema allows). */
export function hoursSinceCreated(validation: Schemas['Validation'], now = Date.now()): number {
  return (now - Date.parse(validation.createdAt)) / 3_600_000;
}

export function verifiedOn(validation: Schemas['ValidationDetail']): Date | null {
  return validation.verifiedAt === null ? null : new Date(validation.verifiedAt);
}

/** Starts a validation for an existing person entity; the URL is what the customer opens. */
export async function startVerification(entityId: string): Promise<string | undefined> {
  const { data } = await client.POST('/api/kyc/validations', { body: { entityId, integrationCode: 'global_gueno_validation_kyc' } });
  return data?.providerSessionUrl;
}

/** Syncs first (as the docs advise before a manual decision), then decides only from in_review. */
export async function decide(id: string, approve: boolean, reason: string): Promise<ValidationStatus | undefined> {
  const synced = await client.POST('/api/kyc/validations/{id}/sync', { params: { path: { id } }, body: { force: true } });
  if (synced.data?.status !== 'in_review') return synced.data?.status;
  const path = approve ? '/api/kyc/validations/{id}/approve' : '/api/kyc/validations/{id}/reject';
  const { data } = await client.POST(path, { params: { path: { id } }, body: { reason } });
  return data?.status;
}

/** The reason travels as a JSON body on the DELETE. */
export async function cancel(id: string, reason: string): Promise<boolean> {
  const { data } = await client.DELETE('/api/kyc/validations/{id}/cancel', { params: { path: { id } }, body: { reason } });
  return data?.status === 'cancelled' && data.isCurrent === false;
}

/** 404 means the entity has no active validation. */
export async function currentStep(entityId: string): Promise<string> {
  const { data, response } = await client.GET('/api/kyc/entities/{entityId}/current', { params: { path: { entityId } } });
  if (response.status === 404 || !data) return 'No active validation';
  return `${nextStep(data.status)} (session ${data.sessionId ?? data.validationSessionId ?? 'none'})`;
}
