/**
 * A consumer sample for Sila: code written the way an app uses the Advanced KYC verification endpoints through the
 * typed client. Type-checked against generated/sila-kyc.ts (npm test) and, by `npm run drift -- --types`, against
 * the types of a candidate spec.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from 'contract-types/sila';

type Schemas = components['schemas'];
type Update = Schemas['ResumeVerificationRequest']['update'];

export const client = createClient<paths>({
  baseUrl: 'https://sandbox.silamoney.com',
  headers: { Authorization: `Bearer ${process.env['SILA_ACCESS_TOKEN'] ?? ''}` },
});

/** Every request's header: `created` is now, in epoch seconds (a stale or future one is refused). */
export function header(appHandle: string, userHandle: string): Schemas['Header'] {
  return { created: Math.floor(Date.now() / 1000), app_handle: appHandle, user_handle: userHandle, version: '0.2' };
}

/** Exhaustive over the documented update kinds: a new kind must be handled before this compiles again. */
export function whatChanged(update: Update): string {
  switch (update) {
    case 'entity':
      return "the user's data was updated";
    case 'document':
      return 'documents were uploaded';
    default: {
      const unhandled: never = update;
      return unhandled;
    }
  }
}

/** verification_status is open (the docs name some values, not all): unknown ones fall through. */
export function needsAction(status: Schemas['VerificationStatusName']): boolean {
  switch (status) {
    case 'documents_required':
      return true;
    case 'passed':
    case 'failed':
    case 'review':
      return false;
    default:
      return false;
  }
}

/** Timestamps are epoch seconds. */
export function requestedOn(verification: Schemas['VerificationSummary']): Date {
  return new Date(verification.requested_at * 1000);
}

export function lastUpdated(verification: Schemas['VerificationDetail']): Date {
  return new Date(verification.updated_at * 1000);
}

/** The verification_uuid to resume comes from get_verifications. */
export async function verificationsToResume(appHandle: string, userHandle: string): Promise<string[]> {
  const { data } = await client.POST('/0.2/get_verifications', { body: { header: header(appHandle, userHandle) } });
  if (!data?.success) return [];
  return data.verifications.filter((v) => needsAction(v.verification_status)).map((v) => v.verification_uuid);
}

export async function resume(appHandle: string, userHandle: string, verificationUuid: string, docIds?: string[]): Promise<string> {
  const update: Update = docIds?.length ? 'document' : 'entity';
  const { data, error } = await client.PUT('/0.2/resume_verification', {
    body: { header: header(appHandle, userHandle), verification_uuid: verificationUuid, update, ...(docIds?.length ? { doc_ids: docIds } : {}) },
  });
  return data ? `resumed after ${whatChanged(update)}: ${data.message}` : `not resumed: ${error?.message ?? 'unknown error'}`;
}

export async function reasons(appHandle: string, userHandle: string, verificationUuid: string): Promise<string[]> {
  const { data } = await client.POST('/0.2/get_verifications/{verification_uuid}', {
    params: { path: { verification_uuid: verificationUuid } },
    body: { header: header(appHandle, userHandle) },
  });
  return data ? Object.values(data.reasons).flat() : [];
}
