/**
 * Password hashing with scrypt from node:crypto (memory-hard, in Node itself: no native dependency).
 *
 * Parameters: N = 2^15 (cost), r = 8 (block size), p = 1 (parallelism), a 16-byte random salt per
 * password and a 64-byte key; each hash takes 32 MiB of memory and tens of milliseconds, in libuv's
 * thread pool (never on the event loop). The record keeps its parameters, `scrypt$N$r$p$salt$key`
 * (base64), so raising them later still verifies older records. Keys are compared in constant time, and
 * an unknown login is checked against a dummy record so the answer takes as long as a wrong password.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { OcmError } from '../common/errors';

/** The scrypt parameters new passwords are hashed with. */
export const SCRYPT_PARAMETERS = { N: 2 ** 15, r: 8, p: 1, keyLength: 64, saltLength: 16 } as const;

/** The shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 10;

/** Refuses a password too short (or absurdly long) to be kept, saying what is needed. */
export function assertAcceptablePassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new OcmError('invalid-input', `The password is too short: it needs at least ${MIN_PASSWORD_LENGTH} characters.`, {
      hint: 'A few unrelated words make a long password that is easy to remember.',
    });
  }
  if (password.length > 1024) throw new OcmError('invalid-input', 'The password is longer than 1,024 characters.');
}

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  // 128·N·r bytes are needed; the default limit (32 MiB) is exactly that at N = 2^15, r = 8: allow twice.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** Hashes a password into a self-describing record. */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keyLength, saltLength } = SCRYPT_PARAMETERS;
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, N, r, p, keyLength);
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Parsed record, or undefined when it is not one this code wrote. */
function parse(record: string): { N: number; r: number; p: number; salt: Buffer; key: Buffer } | undefined {
  const parts = record.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const key = Buffer.from(parts[5], 'base64');
  // Bounds keep a damaged (or planted) record from asking for gigabytes of memory.
  if (![N, r, p].every(Number.isSafeInteger) || N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  if (salt.length < 8 || key.length < 16 || key.length > 128) return undefined;
  return { N, r, p, salt, key };
}

let dummy: Promise<string> | undefined;

/**
 * True when `password` matches `record`. With no record (unknown login) a dummy one is checked and the
 * answer is false, in about the same time.
 */
export async function verifyPassword(password: string, record: string | undefined): Promise<boolean> {
  const stored = record === undefined ? undefined : parse(record);
  const target = stored ?? parse(await (dummy ??= hashPassword('not a password of anyone')))!;
  const key = await derive(password, target.salt, target.N, target.r, target.p, target.key.length);
  return timingSafeEqual(key, target.key) && stored !== undefined;
}

/** True when a record was made with weaker parameters than today's (re-hash it at the next sign-in). */
export function needsRehash(record: string): boolean {
  const parsed = parse(record);
  return !parsed || parsed.N < SCRYPT_PARAMETERS.N || parsed.r < SCRYPT_PARAMETERS.r || parsed.key.length < SCRYPT_PARAMETERS.keyLength;
}
