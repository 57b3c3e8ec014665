import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import getPort from 'get-port';
import { CannotRunError } from '../base/errors.ts';
import { waitForMock } from './ready.ts';

export interface RunningMock {
  baseUrl: string;
  startupMs: number;
  stop(): Promise<void>;
  /** Why the mock ended before it was stopped (its last error line), if it did. */
  died(): string | undefined;
  /** The operations it serves when it serves only some (a shard's mock); undefined: all. */
  served?: readonly string[];
}

const live = new Set<ChildProcess>();

/** Last line of defence: whatever way this process ends, no Prism outlives it. */
function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * V8 lets Prism's heap grow to about three times what it holds before a full collection: on DigitalOcean's spec
 * 130 MB live became 580 MB resident, most of the run's memory (BENCHMARKS.md). Growing by half at most keeps it
 * near what it holds (330 MB) at a few full collections of ~25 ms each; unlike a heap cap, it cannot run a big
 * spec out of memory.
 */
const PRISM_NODE_FLAGS = ['--heap-growing-percent=50'];

/** Prism's server as its CLI starts it, less what a run does not need (see the file). */
const HOST = fileURLToPath(new URL('./prism-host.mjs', import.meta.url));

/**
 * Starts the embedded Prism mock (from node_modules, static examples) on a free loopback port and waits until it
 * answers; the exit hook above kills it when this process ends. A port taken between choosing and binding is
 * retried on another. Spawned with node:child_process rather than execa: loading execa took 0.1–0.3 s, on the way
 * to the first request of every mock run.
 */
export async function startPrism(
  specPath: string,
  {
    attempts = 3,
    readyTimeoutMs = 30_000,
    port: fixedPort,
    served,
  }: {
    attempts?: number;
    readyTimeoutMs?: number;
    port?: number;
    /**
     * The operations (`GET /kyc/status`) to serve, once known — undefined: all. Prism reads the document meanwhile,
     * and listens once it has them; a rejection leaves the mock unstarted (the caller reports why).
     */
    served?: Promise<readonly string[] | undefined>;
  } = {},
): Promise<RunningMock> {
  hookExit();
  let lastError = '';
  // A port announced before the start (see announceMock) cannot move to another one.
  for (let attempt = 0; attempt < (fixedPort ? 1 : attempts); attempt++) {
    const port = fixedPort ?? (await freePort());
    const started = performance.now();
    const child = spawn(process.execPath, [...PRISM_NODE_FLAGS, HOST, specPath, '127.0.0.1', String(port), ...(served ? ['--served-from-parent'] : [])], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    live.add(child);
    // The channel is how the mock knows this process is gone, even killed outright (prism-host.mjs), and how a
    // shard's mock asks what to serve once it has read the document; the answer waits for this process's reading of
    // the spec. It is never closed from this side (node then never emits the child's 'close', which stop() waits
    // for), and it does not hold this process open. Told nothing (the spec is unreadable), the mock is ended.
    child.channel?.unref();
    let servedNames: readonly string[] | undefined;
    child.once(
      'message',
      () =>
        void served?.then(
          (names) => {
            servedNames = names;
            if (child.connected) child.send({ served: names ?? null });
          },
          // Nothing to serve will come (the spec could not be read): the mock is not started.
          () => child.kill('SIGKILL'),
        ),
    );
    const output: string[] = [];
    // CONTRACT_MOCK_LOG=<file> keeps everything Prism says, to explain a mock that misbehaves.
    const log = process.env['CONTRACT_MOCK_LOG'] ? createWriteStream(process.env['CONTRACT_MOCK_LOG'], { flags: 'a' }) : undefined;
    // Prism logs every request: keep only the tail we may need to explain a failed start.
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      log?.write(chunk);
      if (output.length > 50) output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const baseUrl = `http://127.0.0.1:${port}`;
    let exited = false;
    let stopping = false;
    // 'close': the process is gone and all it said has been read. 'error': it could not be spawned at all.
    const ended = new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.once('error', (error) => {
        output.push(`error: ${error.message}\n`);
        resolve();
      });
    }).then(() => {
      exited = true;
    });
    const end = async (signal: NodeJS.Signals) => {
      if (!exited) child.kill(signal);
      // What ignores SIGTERM gets SIGKILL after 2 s.
      const force = setTimeout(() => child.kill('SIGKILL'), 2000);
      await ended;
      clearTimeout(force);
      live.delete(child);
    };
    const ready = await waitForMock(baseUrl, readyTimeoutMs, () => exited);
    if (ready) {
      return {
        baseUrl,
        startupMs: performance.now() - started,
        stop: async () => {
          stopping = true;
          await end('SIGTERM');
          log?.end();
        },
        ...(servedNames ? { served: servedNames } : {}),
        died: () =>
          exited && !stopping ? (lastLine(output, /error|fatal|exception|heap/i) ?? lastLine(output, /./) ?? 'it exited without a word') : undefined,
      };
    }
    await end('SIGKILL');
    lastError = lastLine(output, /error|EADDRINUSE|fatal/i) ?? 'it did not answer';
    if (!/EADDRINUSE/.test(lastError)) break;
  }
  throw new CannotRunError(`mock: Prism did not start — ${lastError}`);
}

/** The last line Prism said that matches, without the host's `level [logger]` prefix (prism-host.mjs). */
function lastLine(output: string[], matching: RegExp): string | undefined {
  return output
    .join('')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && matching.test(l))
    .at(-1)
    ?.replace(/^(fatal|error|warn|info|start) \[[A-Z ]+\] /, '');
}

export function freePort(): Promise<number> {
  return getPort({ host: '127.0.0.1' });
}

/**
 * `npm run contract` starts the mock before anything else and announces its URL at once, so vitest's workers load
 * while Prism boots (each waits for it, waitForMock, before its first request). The global setup (same process,
 * another module graph) finds the URL here: a process-wide slot, so both sides see one value whichever copy of
 * this module they loaded.
 */
const SLOT = Symbol.for('salesive-contract.embedded-mock');
type Slot = { [SLOT]?: string };

export function announceMock(baseUrl: string): void {
  (globalThis as Slot)[SLOT] = baseUrl;
}

export function announcedMock(): string | undefined {
  return (globalThis as Slot)[SLOT];
}
