/**
 * `rlhfLens/configFacts`: the engine's figures about one config document (config/config-facts.ts),
 * for the chat participant. Only documents inside the workspace folders; paths in the answer are
 * workspace-relative.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ServerContext } from '../server-context';
import { ConfigFactsParams, Methods, type ChatFact } from '../protocol/lsp';
import { readConfigFile } from '../config/yaml-path';
import { configFacts } from '../config/config-facts';
import { toResponseError } from './analyze';
import { uriToPath } from './convert';

export function registerChatFacts(ctx: ServerContext): void {
  // The workspace file service: open buffers win over the disk.
  const facts = ctx.files;
  ctx.connection.onRequest(Methods.configFacts, (raw: unknown): ChatFact[] => {
    let params: ConfigFactsParams;
    try {
      params = ConfigFactsParams(raw);
    } catch (err) {
      throw toResponseError(err);
    }
    const file = uriToPath(params.uri);
    const folder = ctx.workspaceFolders.find((f) => file.startsWith(f.endsWith(path.sep) ? f : f + path.sep));
    if (!folder) throw toResponseError(new Error(`${file} is not inside the workspace folders`));
    const text = ctx.documents.get(params.uri)?.getText() ?? (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
    if (text === undefined) return [];
    const rel = path.relative(folder, file).split(path.sep).join('/');
    return readConfigFile(text, file).documents.flatMap((d) => ctx.guard(`facts of ${file}`, () => configFacts(d, facts, file, rel)) ?? []);
  });
}
