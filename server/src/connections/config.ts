/**
 * Named database connections from `.rlhf-lens.yaml`:
 *
 *   connections:
 *     prod-logs:
 *       type: clickhouse
 *       url: http://ch.internal:8123
 *       database: analytics
 *       user_env: CH_USER          # names of environment variables, never the secrets themselves
 *       password_env: CH_PASSWORD
 *       timeout_ms: 120000
 *
 * Pure: parses the plain value; credentials are resolved at the edge (credentials.ts).
 */
import { noun } from '../text/plural';

export const CONNECTION_TYPES = ['clickhouse'] as const;

export interface ConnectionConfig {
  name: string;
  type: (typeof CONNECTION_TYPES)[number];
  /** http(s)://host:port of the ClickHouse HTTP interface. */
  url: string;
  database: string;
  /** Environment variable holding the user name (default user "default" when unset). */
  userEnv?: string;
  /** Environment variable holding the password. */
  passwordEnv?: string;
  /** Per-query time limit; the server is asked to stop at it too (max_execution_time). */
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const ENV = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYS = ['type', 'url', 'database', 'user_env', 'password_env', 'timeout_ms'];
/** Keys that would put a secret in the file: refused, with the way to do it instead. */
const SECRET_KEYS = ['password', 'user', 'username', 'token', 'secret'];

export interface ParsedConnections {
  connections: Record<string, ConnectionConfig>;
  problems: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseConnections(value: unknown, source: string): ParsedConnections {
  const connections: Record<string, ConnectionConfig> = {};
  const problems: string[] = [];
  if (value === undefined || value === null) return { connections, problems };
  if (!isRecord(value)) return { connections, problems: [`${source}: "connections" must be a mapping of connection name to settings; ignored.`] };
  for (const [name, raw] of Object.entries(value)) {
    const at = `${source}: connection "${name}"`;
    if (!NAME.test(name)) {
      problems.push(`${at}: the name must be letters, digits, ".", "_" or "-"; ignored.`);
      continue;
    }
    if (!isRecord(raw)) {
      problems.push(`${at} must be a mapping (type, url, database, user_env, password_env); ignored.`);
      continue;
    }
    const secrets = Object.keys(raw).filter((k) => SECRET_KEYS.includes(k));
    if (secrets.length) {
      // Never echo the value.
      problems.push(`${at}: "${secrets.join('", "')}" is not read from the settings file (credentials come only from environment variables or the editor's secret storage): use ${secrets.map((k) => (k === 'password' || k === 'token' || k === 'secret' ? 'password_env' : 'user_env')).join(', ')} with the variable's name; ignored.`);
      continue;
    }
    const unknown = Object.keys(raw).filter((k) => !KEYS.includes(k));
    if (unknown.length) problems.push(`${at}: unknown ${noun(unknown.length, 'key')} ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${KEYS.join(', ')}).`);
    const type = raw['type'];
    if (!(CONNECTION_TYPES as readonly unknown[]).includes(type)) {
      problems.push(`${at}: type must be ${CONNECTION_TYPES.join(' or ')} (got ${JSON.stringify(type)}); ignored.`);
      continue;
    }
    const url = raw['url'];
    let parsed: URL | undefined;
    try {
      parsed = typeof url === 'string' ? new URL(url) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      problems.push(`${at}: url must be an http:// or https:// address of the ClickHouse HTTP interface, e.g. http://localhost:8123; ignored.`);
      continue;
    }
    if (parsed.username || parsed.password) {
      problems.push(`${at}: the url must not contain a user or password (use user_env / password_env); ignored.`);
      continue;
    }
    const database = raw['database'] ?? 'default';
    if (typeof database !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
      problems.push(`${at}: database must be a plain name; ignored.`);
      continue;
    }
    const conn: ConnectionConfig = { name, type: 'clickhouse', url: parsed.toString().replace(/\/$/, ''), database, timeoutMs: DEFAULT_TIMEOUT_MS };
    let ok = true;
    for (const [key, field] of [['user_env', 'userEnv'], ['password_env', 'passwordEnv']] as const) {
      const v = raw[key];
      if (v === undefined) continue;
      if (typeof v !== 'string' || !ENV.test(v)) {
        problems.push(`${at}: ${key} must be the name of an environment variable (letters, digits, _); ignored.`);
        ok = false;
      } else conn[field] = v;
    }
    const t = raw['timeout_ms'];
    if (t !== undefined) {
      if (typeof t !== 'number' || !Number.isInteger(t) || t < 100 || t > 86_400_000) problems.push(`${at}: timeout_ms must be a whole number of milliseconds from 100 to 86400000; using ${DEFAULT_TIMEOUT_MS}.`);
      else conn.timeoutMs = t;
    }
    if (ok) connections[name] = conn;
  }
  return { connections, problems };
}

/** `CONNECTION:TABLE` (CLI `--source`), the table optionally `database.table`. */
export function parseSourceArg(arg: string): { connection: string; table: string } | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*?):([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)$/.exec(arg);
  return m ? { connection: m[1]!, table: m[2]! } : undefined;
}
