/**
 * What `npm run contract` runs. Plain Node, with tsx registered in a namespace for the project's own TypeScript
 * only: under `tsx` every import — vitest's included, in this process and in the vitest workers it forks —
 * goes through tsx's loader hooks, which made loading vitest three times slower (BENCHMARKS.md). vitest is loaded
 * outside them, when the run asks for it (scripts/contract.ts: on the mock, right after Prism is spawned).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

// Loaded on demand: importing it at once delayed Prism's spawn, the longest start of a mock run, by ~0.3 s.
let vitest;
const loadVitest = () => (vitest ??= import('vitest/node'));
const tsx = register({ namespace: 'salesive-contract' });
let code = 2;
try {
  const { contract } = await tsx.import('./contract.ts', import.meta.url);
  code = await contract(loadVitest);
} catch (error) {
  // contract() reports its own errors; this is the script itself failing to load.
  console.error(`contract: ${String(error?.message ?? error).split('\n')[0]}`);
}
await endChildren();
process.exit(code);

/**
 * Nothing of the run outlives it. Prism and the vitest workers are stopped (and waited for) by the run itself; what
 * is left is tsx's esbuild service: on a cold run (an empty tsx cache, e.g. a fresh clone or machine) tsx starts a
 * long-lived `esbuild --service` child from its loader thread and never stops it — it is unref'd, so this process
 * exits past it and it lingers, re-parented, until it notices its stdin closed (measured: still in the process
 * group more than a second after `npm run contract` returned). It is ended here and reaped by its parent thread
 * before this process exits; anything else still running is ended the same way.
 */
async function endChildren() {
  const pending = children();
  if (!pending.length) return;
  for (const pid of pending) signal(pid, 'SIGTERM');
  for (let waited = 0; waited < 2000 && children().length; waited += 10) await new Promise((r) => setTimeout(r, 10));
  for (const pid of children()) signal(pid, 'SIGKILL');
}

/** This process's children, of every thread (Linux; elsewhere none are known and nothing is done). */
function children() {
  try {
    return readdirSync('/proc/self/task').flatMap((tid) => {
      try {
        return readFileSync(`/proc/self/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
