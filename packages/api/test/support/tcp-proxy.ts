import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a local service (an RPC endpoint, PostgreSQL, Redis) that a test can cut and
 * restore, to prove what happens when a dependency disappears mid-run. Loopback only.
 */
export type TTcpProxy = {
  port: number;
  url(scheme: string): string;
  /** Refuse connections (as a dead host's closed port does). */
  cut(): void;
  /** Accept connections but never answer (as a hung server does). */
  blackhole(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
  /** Connections accepted so far. */
  connections(): number;
};

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TTcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  let blackholed = false;
  let accepted = 0;

  const listen = async () => {
    server = createServer((client) => {
      accepted += 1;
      if (blackholed) {
        sockets.add(client);
        client.on('error', () => sockets.delete(client));
        client.resume();
        return;
      }
      const upstream = connect(targetPort, targetHost);
      sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
    const address = server!.address();
    port = typeof address === 'object' && address ? address.port : port;
  };
  await listen();

  const cut = () => {
    server?.close();
    server = null;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    port,
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    cut,
    blackhole: () => {
      blackholed = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    restore: async () => {
      blackholed = false;
      if (!server) await listen();
    },
    connections: () => accepted,
    close: async () => cut(),
  };
}
