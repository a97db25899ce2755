/**
 * `ocm serve` as a real child process (the same entry the `ocm` command runs, in one Node process, so a
 * SIGKILL kills the collector, its worker thread and its server at once). Tests and benchmarks start one
 * or several against one data folder and wait for the start-up line, never for a fixed time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../src-main/hosts/cli/main.ts', import.meta.url));

/** A running `ocm serve`. */
export interface ServeProcess {
  child: ChildProcess;
  pid: number;
  /** The address it listens on (from its start-up summary). */
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** `/healthz`, parsed. */
  health(): Promise<{ status: string; collector: { id: string; holding: number } | null }>;
  /** SIGKILL: no clean-up, leases left to expire. */
  kill(): Promise<void>;
  /** SIGTERM: a clean stop (leases released). */
  stop(): Promise<void>;
}

/** Starts `ocm serve` with `args` and `env` (OCM_HOME …); resolves once it listens. */
export async function startServe(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ocm serve did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening {3}(https?:\/\/\S+?)\/?(\s|$)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`ocm serve exited before listening:\n${output}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    url,
    output: () => output,
    health: async () => (await fetch(`${url}/healthz`)).json() as Promise<{ status: string; collector: { id: string; holding: number } | null }>,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
