/**
 * The one entry point that checks a config file: used by the language server and by `rlhf-lens lint`,
 * so that the editor and the CLI can never disagree.
 *
 * Pure: takes text and facts, returns diagnostics. It reads no files itself.
 */
import { compareDiagnostics, type Diagnostic, type Severity } from './diagnostic';
import { parseYaml, DEFAULT_PARSE_LIMITS, type ParseLimits, type ParsedFile } from './parse';
import { ConfigDocument } from './model';
import { detectKind, documentKind, isNativeKind, type ConfigKind, type KindMap } from './kind';
import { NO_FACTS, type WorkspaceFacts } from './workspace-facts';
import { validateAgainstSchema, SCHEMA_CODES } from './schema';
import { findSuppressions, isSuppressed } from './suppressions';
import { RULES } from './rules/registry';
import { NO_PROJECT, type ProjectSettings } from './project';
import { effectiveHardware } from './frameworks/hardware';
import type { Rule, RuleContext } from './rules/rule';

export type SeveritySetting = Severity | 'off';
export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint', 'off'];

/** Codes reported outside the rule list (the YAML layer, schema validation, a failing rule), with what each catches. */
export const BUILTIN_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'yaml/syntax': 'YAML that does not parse; the rest of the file is still checked as far as it can be.',
  'yaml/duplicate-key': 'A key given twice in one mapping.',
  'yaml/limit': 'A file too large, with too many documents, or with aliases that expand too far.',
  'schema/required': 'A required property is missing.',
  'schema/type': 'A value of the wrong type.',
  'schema/enum': 'A value outside a fixed set of choices (did-you-mean, quick fix).',
  'schema/unknown-property': 'A key the format does not define there (did-you-mean, quick fix).',
  'schema/pattern': 'A duration, memory quantity, name, id or date with the wrong shape.',
  'schema/range': 'A number, length or list size out of bounds; an empty mapping that must not be empty.',
  'schema/unique-items': 'A list that repeats an item it must not repeat.',
  'internal/rule-failed': 'A rule of RLHF Lens itself failed on the document (a bug; please report it).',
} satisfies Record<(typeof SCHEMA_CODES)[number], string> & Record<string, string>;
export const BUILTIN_CODES: readonly string[] = Object.keys(BUILTIN_DESCRIPTIONS);

export interface LintOptions {
  /** Absolute path (or URI path) of the file, used to resolve relative references and pick the kind. */
  path: string;
  limits?: ParseLimits;
  /** What is known about other files; default: nothing (cross-file rules stay silent). */
  facts?: WorkspaceFacts;
  /** Severity per code (rule id or `schema/<keyword>`), overriding the default; 'off' drops it. */
  severities?: Readonly<Record<string, SeveritySetting>>;
  /** Per-rule time budget (the editor passes one per open document; the CLI runs every rule to the end). */
  ruleBudget?: RuleTimeBudget;
  /** The project's `files:` glob -> kind map (from `.rlhf-lens.yaml`), for kind detection. */
  kindMap?: KindMap;
  /** The kind of the file when the caller already knows it (else it is detected from path and text). */
  kind?: ConfigKind;
  /** Project settings rules may read (the hardware profile of `.rlhf-lens.yaml`). */
  project?: ProjectSettings;
  /** The text already parsed with the same limits (the editor's parse cache, shared by every feature). */
  parsed?: ParsedFile;
}

/**
 * A rule slower than `ms` on SLOW_RULE_STRIKES consecutive checks of a document keeps its
 * diagnostics, is reported once as `lint/slow-rule` and is skipped on that document for the next
 * SLOW_RULE_SKIPPED_LINTS lints, so one pathological rule cannot make every keystroke slow. One slow
 * check alone (a garbage collection, first-use warm-up, a loaded machine) is not reported.
 * `skipping` and `strikes` are the caller's state for one document.
 */
export interface RuleTimeBudget {
  ms: number;
  /** rule id -> lints left to skip it. */
  skipping: Map<string, number>;
  /** rule id -> consecutive checks over budget so far. */
  strikes?: Map<string, number>;
}
export const SLOW_RULE_STRIKES = 2;

/** Counts a check of `ruleId` against the budget; true when it is the SLOW_RULE_STRIKES-th slow one in a row. */
function isSlowAgain(budget: RuleTimeBudget, ruleId: string, took: number): boolean {
  const strikes = (budget.strikes ??= new Map());
  if (took <= budget.ms) {
    strikes.delete(ruleId);
    return false;
  }
  const n = (strikes.get(ruleId) ?? 0) + 1;
  if (n < SLOW_RULE_STRIKES) {
    strikes.set(ruleId, n);
    return false;
  }
  strikes.delete(ruleId);
  return true;
}
export const DEFAULT_RULE_TIME_BUDGET_MS = 200;
export const SLOW_RULE_SKIPPED_LINTS = 10;

/** The config documents of a parsed file, each with its kind (declared by `kind:`, else the file's kind from kind.ts). */
export function configDocuments(parsed: ParsedFile, fileKind: ConfigKind | undefined): ConfigDocument[] {
  const out: ConfigDocument[] = [];
  for (const d of parsed.documents) {
    if (d.doc.contents === null || d.value === null || d.value === undefined) continue;
    out.push(new ConfigDocument(documentKind(d.value, fileKind), d.value, d.doc, parsed.lines, d.start, d.end));
  }
  return out;
}

/** `kinds: 'any'` means any of our own formats: a framework file gets only the rules written for its framework. */
function appliesTo(rule: Rule, doc: ConfigDocument): boolean {
  if (rule.kinds === 'any') return doc.kind === undefined || isNativeKind(doc.kind);
  return doc.kind !== undefined && rule.kinds.includes(doc.kind);
}

export function lintText(text: string, options: LintOptions): Diagnostic[] {
  const parsed = options.parsed && options.parsed.text === text ? options.parsed : parseYaml(text, options.limits ?? DEFAULT_PARSE_LIMITS);
  const found: Diagnostic[] = parsed.diagnostics.slice();
  const facts = options.facts ?? NO_FACTS;
  const budget = options.ruleBudget;
  const skippedNow = new Set<string>();
  if (budget) {
    for (const [id, left] of budget.skipping) {
      skippedNow.add(id);
      if (left <= 1) budget.skipping.delete(id);
      else budget.skipping.set(id, left - 1);
    }
  }
  const fileKind = options.kind ?? detectKind(options.path, text, options.kindMap);
  const hardware = effectiveHardware(options.project?.hardware, text);
  const project: ProjectSettings = hardware ? { ...(options.project ?? NO_PROJECT), hardware } : (options.project ?? NO_PROJECT);
  for (const doc of configDocuments(parsed, fileKind)) {
    for (const p of isNativeKind(doc.kind) || doc.kind === undefined ? validateAgainstSchema(doc) : []) {
      found.push({ range: p.range, severity: 'error', code: p.code, message: p.message, ...(p.fixes ? { fixes: p.fixes } : {}) });
    }
    for (const rule of RULES) {
      if (!appliesTo(rule, doc) || skippedNow.has(rule.id)) continue;
      const ctx: RuleContext = {
        path: options.path,
        facts,
        project,
        report: (r) => {
          const d: Diagnostic = { range: r.range, severity: rule.defaultSeverity, code: r.code ?? rule.id, message: r.message };
          if (r.related?.length) d.related = r.related;
          if (r.fixes?.length) d.fixes = r.fixes;
          found.push(d);
        },
      };
      const started = budget ? performance.now() : 0;
      try {
        rule.check(doc, ctx);
        const took = budget ? performance.now() - started : 0;
        if (budget && !budget.skipping.has(rule.id) && isSlowAgain(budget, rule.id, took)) {
          budget.skipping.set(rule.id, SLOW_RULE_SKIPPED_LINTS);
          found.push({
            range: doc.anchorRange([]),
            severity: 'information',
            code: 'lint/slow-rule',
            message: `Rule ${rule.id} took ${Math.round(took)} ms on this document, over its budget of ${budget.ms} ms; it is skipped here for the next ${SLOW_RULE_SKIPPED_LINTS} checks.`,
          });
        }
      } catch (err) {
        found.push({
          range: doc.anchorRange([]),
          severity: 'error',
          code: 'internal/rule-failed',
          message: `Rule ${rule.id} failed on this document (a bug in RLHF Lens; please report it): ${(err as Error).message}`,
        });
      }
    }
  }
  const suppressions = findSuppressions(text, parsed.lines);
  const severities = options.severities ?? {};
  const out: Diagnostic[] = [];
  for (const d of found) {
    const setting = severities[d.code];
    if (setting === 'off' || isSuppressed(d, suppressions)) continue;
    out.push(setting ? { ...d, severity: setting } : d);
  }
  return out.sort(compareDiagnostics);
}
