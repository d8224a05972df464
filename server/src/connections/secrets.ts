/**
 * Connection credentials from the editor's SecretStorage, on their way to the language server.
 *
 * The extension keeps a user's password in VS Code's SecretStorage (never in a file) and sends the
 * stored credentials to the server sealed with AES-256-GCM under a key it made for this server
 * process and passed in the server's environment (RLHF_LENS_SECRET_KEY, read and removed from the
 * environment at start-up). The language client's message trace (rlhfLens.trace.server) therefore
 * shows only ciphertext. The server keeps the values in memory only, passes them to the analysis
 * worker with a job that may open a connection, and never logs them (connections/credentials.ts
 * reads them; errors name the variable or the secret, never the value).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const SECRET_KEY_ENV = 'RLHF_LENS_SECRET_KEY';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const MAX_VALUE = 4096;

/** Credentials of one connection as the editor stores them. */
export interface ConnectionSecret {
  user?: string;
  password?: string;
}

/** SecretStorage key of a connection's user or password (the names credentials.ts looks up). */
export const secretKeyName = (connection: string, what: 'user' | 'password') => `rlhfLens.connection.${connection}.${what}`;

export function newSecretKey(): Buffer {
  return randomBytes(32);
}

export function sealSecrets(key: Buffer, secrets: Record<string, ConnectionSecret>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export class SecretsError extends Error {}

/** The sealed message to `rlhfLens.connection.<name>.user|password` values; refuses anything else (without echoing it). */
export function unsealSecrets(key: Buffer, sealed: string): Record<string, string> {
  let text: string;
  try {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretsError('the credentials were not sealed with this server\'s key');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SecretsError('the credentials are not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SecretsError('the credentials must be a mapping of connection name to {user, password}');
  const out: Record<string, string> = {};
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    if (!NAME.test(name)) throw new SecretsError(`"${name.slice(0, 60)}" is not a connection name`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new SecretsError(`connection "${name}": credentials must be {user, password}`);
    for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
      if (k !== 'user' && k !== 'password') throw new SecretsError(`connection "${name}": unknown credential "${k.slice(0, 40)}" (user, password)`);
      if (typeof v !== 'string' || v.length > MAX_VALUE) throw new SecretsError(`connection "${name}": ${k} must be a string of at most ${MAX_VALUE} characters`);
      out[secretKeyName(name, k)] = v;
    }
  }
  return out;
}

/** The key this server process was started with, removed from the environment so no child or worker inherits it. */
export function takeSecretKey(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const v = env[SECRET_KEY_ENV];
  delete env[SECRET_KEY_ENV];
  if (!v) return undefined;
  const key = Buffer.from(v, 'base64');
  return key.length === 32 ? key : undefined;
}

/** What the editor sent last (in the server process's memory only). */
let current: Record<string, string> = {};

export function setEditorSecrets(secrets: Record<string, string>): void {
  current = secrets;
}

export function editorSecrets(): Record<string, string> {
  return current;
}
