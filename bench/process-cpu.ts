/**
 * CPU time of other processes, read from Linux's /proc (clock ticks of 1/100 s): an `ocm serve` child,
 * or a whole PostgreSQL cluster (its postmaster and every backend and helper process it forked).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { PgConnection } from '../src-main/store/postgres/connection';

const TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name (field 3, the state, is index 0). */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(') ') + 2).split(' ');
  } catch {
    return undefined; // exited meanwhile
  }
}

/** User + system CPU seconds of a process so far. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) throw new Error(`process ${pid} is gone: its CPU time cannot be read`);
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * CPU seconds of a PostgreSQL cluster so far: the postmaster's own and its exited children's (reaped,
 * so counted in its cutime/cstime), plus every living child's. Only this cluster's processes count,
 * whatever other servers run on the machine.
 */
export function clusterCpuSeconds(postmasterPid: number): number {
  const own = statFields(postmasterPid);
  if (!own) throw new Error(`the PostgreSQL postmaster ${postmasterPid} is gone`);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === postmasterPid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / TICKS_PER_SECOND;
}

/** The postmaster of the server `sql` is connected to (the parent of this connection's backend); the server must run on this machine. */
export async function postmasterPid(sql: PgConnection): Promise<number> {
  const [{ pid }] = (await sql.unsafe('SELECT pg_backend_pid() AS pid')) as unknown as { pid: number }[];
  const fields = statFields(Number(pid));
  if (!fields) throw new Error('the PostgreSQL server runs elsewhere: its CPU time cannot be read here');
  return Number(fields[1]);
}
