/**
 * A consumer sample: code written the way an app uses this API through the typed client. It is type-checked
 * against the current generated types (npm test) and, by `npm run drift -- --types --to <spec>`, against the
 * types of a candidate spec — a line that stops compiling is a change that breaks apps like this one.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from 'contract-types';

type Schemas = components['schemas'];
type KycState = Schemas['KycStatusValue'];

export const client = createClient<paths>({ baseUrl: 'https://api.salesive.com/api/v1' });

/** Exhaustive over the documented states: a new state must be handled before this compiles again. */
export function bannerFor(state: KycState): string {
  switch (state) {
    case 'not_started':
      return 'Verify your store to receive payouts';
    case 'pending':
    case 'in_review':
      return 'Verification in progress';
    case 'approved':
      return 'Verified';
    case 'declined':
      return 'Verification declined — try again';
    default: {
      const unhandled: never = state;
      return unhandled;
    }
  }
}

/** Reads timestamps as the docs type them: RFC 3339 strings, or null. */
export function daysInReview(kyc: Schemas['KycStatus'], now = Date.now()): number | null {
  if (kyc.submittedAt === null || kyc.submittedAt === undefined) return null;
  return Math.floor((now - Date.parse(kyc.submittedAt)) / 86_400_000);
}

export async function kycBanner(): Promise<string | null> {
  const { data } = await client.GET('/kyc/status');
  const status = data?.data?.status;
  return status ? bannerFor(status) : null;
}

/** Required fields read without null checks, as the schema allows. */
export async function defaultDomain(): Promise<string | undefined> {
  const { data } = await client.GET('/domains');
  return data?.data.find((d) => d.isDefaultDomain)?.domain.toLowerCase();
}

export function domainExpiry(domain: Schemas['Domain']): Date | null {
  return domain.expiresAt === null ? null : new Date(domain.expiresAt);
}

export async function roleNames(page = 1): Promise<string[]> {
  const { data } = await client.GET('/roles', { params: { query: { page, limit: 50 } } });
  return data?.data.roles.map((role) => `${role.name} (${role.permissions.length} permissions)`) ?? [];
}

export async function startVerification(callbackUrl: string): Promise<string | undefined> {
  const { data } = await client.POST('/kyc/session', { body: { callbackUrl } });
  if (data?.data?.alreadyApproved) return undefined;
  return data?.data?.sessionUrl;
}
