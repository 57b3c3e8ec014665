import { test } from 'vitest';
import { checkKycFlow } from '../../src/run/scenarios/kyc-stateful.ts';
import { contract, verdict } from './harness.ts';

const ctx = await contract();
const name = 'KYC flow › session, refresh and status agree (model-based)';

test(name, async (t) => verdict(t, await checkKycFlow(ctx, name)));
