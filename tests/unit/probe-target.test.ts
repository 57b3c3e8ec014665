import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeTarget } from '../../src/targets/live.ts';
import { waitForMock } from '../../src/targets/ready.ts';

// Ports on WHATWG fetch's "bad ports" list that an unprivileged process may bind. A sandbox on one of them is
// reachable by the run's own requests (undici's dispatcher has no such list), so the reachability probe must not
// call it unreachable.
const FETCH_BLOCKED_PORTS = [6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080, 6000, 6566, 5060, 5061, 4190, 4045, 3659, 2049, 1723];

const servers: Array<{ close(cb: () => void): unknown }> = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      (s as Partial<Server>).closeAllConnections?.();
      return new Promise<void>((r) => s.close(() => r()));
    }),
  );
});

async function listenOnBlockedPort(): Promise<{ server: Server; port: number }> {
  for (const port of FETCH_BLOCKED_PORTS) {
    const server = createHttpServer((_req, res) => res.writeHead(404).end('{}'));
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) {
      servers.push(server);
      return { server, port };
    }
  }
  throw new Error(`none of the ports ${FETCH_BLOCKED_PORTS.join(', ')} could be bound on 127.0.0.1 — the test needs one free`);
}

describe('the reachability probe', () => {
  it('reaches a server on a port that WHATWG fetch refuses as a "bad port"', async () => {
    const { port } = await listenOnBlockedPort();
    const url = `http://127.0.0.1:${port}/api/v1`;
    // What the probe used before: fetch refuses the port before connecting.
    await expect(fetch(url)).rejects.toMatchObject({ cause: { message: 'bad port' } });
    await expect(probeTarget(url, 2000)).resolves.toBeUndefined();
    expect(await waitForMock(url, 2000)).toBe(true);
  });

  it('says "connection refused" for a port nothing listens on', async () => {
    const free = createTcpServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const { port } = free.address() as AddressInfo;
    await new Promise<void>((r) => free.close(() => r()));
    await expect(probeTarget(`http://127.0.0.1:${port}/api`, 2000)).rejects.toThrow(/is unreachable — connection refused \(is the server running\?\)/);
  });

  it('says how long it waited for a server that accepts the connection and never answers', async () => {
    const held: Socket[] = [];
    const silent = createTcpServer((socket) => held.push(socket));
    // Closing waits for open connections; the probe's timeout leaves its socket to the pool, so end them here.
    servers.push({ close: (done) => (held.forEach((s) => s.destroy()), silent.close(done)) });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    await expect(probeTarget(`http://127.0.0.1:${port}/api`, 150)).rejects.toThrow(/is unreachable — no answer within 150 ms$/);
  });

  it('counts any answer, an error status or a redirect, as reachable, and does not follow the redirect', async () => {
    let hits = 0;
    const server = createHttpServer((req, res) => {
      hits++;
      res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    await expect(probeTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, 2000)).resolves.toBeUndefined();
    expect(hits).toBe(1);
  });
});
