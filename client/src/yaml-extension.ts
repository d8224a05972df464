/**
 * Living next to Red Hat's YAML extension (yaml-language-server) without reporting a problem twice.
 *
 * RLHF Lens files have their own language ids (`rlhf-pipeline`, `rlhf-experiment`, `rlhf-training`).
 * Red Hat's client selects documents by the languages `yaml`, `dockercompose` and
 * `github-actions-workflow` and by the glob `*.y(a)ml` (VS Code globs have no `(...)` groups, and a
 * pattern without `**` / does not match an absolute path), so its server never receives our files, and
 * plain `yaml` files that declare `apiVersion: rlhf-lens/...` are switched to our languages by
 * language-detection.ts, which closes them in Red Hat's server. This module therefore changes nothing in
 * yaml-language-server; it checks that reasoning while the editor runs: if one of our documents ever
 * carries diagnostics from yaml-language-server (source "YAML"), it says so once in the RLHF Lens output.
 */
import * as vscode from 'vscode';

export const RED_HAT_YAML_EXTENSION = 'redhat.vscode-yaml';
const OUR_LANGUAGES = new Set(['rlhf-pipeline', 'rlhf-experiment', 'rlhf-training']);
/** The `source` yaml-language-server puts on its diagnostics. */
const YAML_SERVER_SOURCE = 'YAML';

export function registerYamlExtensionCheck(context: vscode.ExtensionContext, output: vscode.OutputChannel): void {
  if (!vscode.extensions.getExtension(RED_HAT_YAML_EXTENSION)) return;
  const reported = new Set<string>();
  context.subscriptions.push(
    vscode.languages.onDidChangeDiagnostics((e) => {
      for (const uri of e.uris) {
        const key = uri.toString();
        if (reported.has(key)) continue;
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
        if (!doc || !OUR_LANGUAGES.has(doc.languageId)) continue;
        if (!vscode.languages.getDiagnostics(uri).some((d) => d.source === YAML_SERVER_SOURCE)) continue;
        reported.add(key);
        output.appendLine(
          `${vscode.workspace.asRelativePath(uri)} is also checked by Red Hat YAML, so some problems may show twice. ` +
            `Check that no "yaml.schemas" or "files.associations" setting maps it to YAML.`,
        );
      }
    }),
  );
}
