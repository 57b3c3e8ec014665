/**
 * A consumer sample for Sumvin's KYC API: code written the way an app uses it through the typed client, type-
 * checked against generated/sumvin-kyc.ts (npm test) — a spec change that breaks a line here breaks apps like it.
 *
 * Sumvin types `status` as an open string and documents five values. An app names the five it knows and still
 * compiles, and behaves, when the API sends a sixth: the exhaustive switch covers the known values (a value added
 * to KNOWN_STATUSES must be handled before this compiles again), and an unknown one gets the neutral path.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from 'contract-types/sumvin';

type Schemas = components['schemas'];
type KycStatus = Schemas['KYCStatusResponse'];
type KycDetails = Schemas['KYCDetailsResponse'];

export const client = createClient<paths>({ baseUrl: 'https://api.sumvin.com' });

/** The five statuses the docs list ("pending, in_progress, retry, approved, or rejected"). */
export const KNOWN_STATUSES = ['pending', 'in_progress', 'retry', 'approved', 'rejected'] as const;
export type KnownStatus = (typeof KNOWN_STATUSES)[number];

/** The spec's type is `string`: a documented value is one of the five, anything else is news. */
export function isKnownStatus(status: KycStatus['status']): status is KnownStatus {
  return (KNOWN_STATUSES as readonly string[]).includes(status);
}

/** Exhaustive over the known statuses; an unknown one is shown as such, never mistaken for one we know. */
export function bannerFor(status: KycStatus['status']): string {
  if (!isKnownStatus(status)) return `Verification status "${status}" — check back later`;
  switch (status) {
    case 'pending':
      return 'Verify your identity to get started';
    case 'in_progress':
      return 'Verification in progress';
    case 'retry':
      return 'We need a little more from you — please resubmit';
    case 'approved':
      return 'Verified';
    case 'rejected':
      return 'Verification failed';
    default: {
      const unhandled: never = status;
      return unhandled;
    }
  }
}

/** Timestamps are epoch milliseconds (numbers) unless X-Timestamp-Format: iso8601 is sent; null when not set. */
export function approvedOn(kyc: KycStatus): Date | null {
  const ms: number | null = kyc.verified_at;
  return ms === null ? null : new Date(ms);
}

export function daysSinceApproval(kyc: KycStatus, now = Date.now()): number | null {
  return kyc.verified_at === null ? null : Math.floor((now - kyc.verified_at) / 86_400_000);
}

/** The details carry verified_at and started_at as optional nullable numbers. */
export function reviewMinutes(details: KycDetails): number | null {
  const { started_at: started, verified_at: verified } = details;
  if (started === null || started === undefined || verified === null || verified === undefined) return null;
  return Math.round((verified - started) / 60_000);
}

/** Required fields read without checks, as the schema allows: _links.self is always there. */
export function selfLink(kyc: KycStatus): string {
  return kyc._links.self.href;
}

/** The app's call, authenticated with a personal access token in the x-sumvin-pat header. */
export async function kycBanner(pat: string): Promise<string | null> {
  const { data } = await client.GET('/v0/kyc/status', { params: { query: { refresh: false } }, headers: { 'x-sumvin-pat': pat } });
  return data ? bannerFor(data.status) : null;
}

export async function submittedDocuments(pat: string): Promise<string[]> {
  const { data } = await client.GET('/v0/kyc/details', { headers: { 'x-sumvin-pat': pat } });
  return data?.documents?.map((d) => `${d.document_type} (${d.status})`) ?? [];
}
