/**
 * Credentials of a connection, resolved when a query is about to run: from the environment
 * variables the settings file names (`user_env`, `password_env`), or from the editor's
 * SecretStorage (passed in by the language client as `secrets`). Never from the YAML, never
 * logged, never stored with results.
 */
import type { ConnectionConfig } from './config';

export interface Credentials {
  username: string;
  password: string;
}

export class CredentialError extends Error {}

/**
 * `secrets` holds values the editor keeps in SecretStorage under `rlhfLens.connection.<name>.user`
 * / `.password`; environment variables win when both are set.
 */
export function resolveCredentials(conn: ConnectionConfig, env: NodeJS.ProcessEnv = process.env, secrets: Record<string, string> = {}): Credentials {
  const fromSecret = (k: 'user' | 'password') => secrets[`rlhfLens.connection.${conn.name}.${k}`];
  let username = 'default';
  let password = '';
  if (conn.userEnv) {
    const v = env[conn.userEnv] ?? fromSecret('user');
    if (v === undefined) throw new CredentialError(`connection "${conn.name}": environment variable ${conn.userEnv} (user_env) is not set, and the editor's secret storage has no user for it (RLHF Lens: Set Connection Password)`);
    username = v;
  } else if (fromSecret('user') !== undefined) username = fromSecret('user')!;
  if (conn.passwordEnv) {
    const v = env[conn.passwordEnv] ?? fromSecret('password');
    if (v === undefined) throw new CredentialError(`connection "${conn.name}": environment variable ${conn.passwordEnv} (password_env) is not set, and the editor's secret storage has no password for it (RLHF Lens: Set Connection Password)`);
    password = v;
  } else if (fromSecret('password') !== undefined) password = fromSecret('password')!;
  return { username, password };
}
