/**
 * The contract of a rule. One rule per module under rules/<group>/<name>.ts, registered in
 * rules/registry.ts. A rule is pure: it reads the document (and workspace facts), and reports.
 */
import type { Diagnostic, FixData, RelatedInfo, Severity } from '../diagnostic';
import type { ConfigKind } from '../kind';
import type { ConfigDocument, JsonPath } from '../model';
import type { WorkspaceFacts } from '../workspace-facts';
import type { ProjectSettings } from '../project';

export interface RuleContext {
  /** Absolute path of the file being checked (relative references resolve against its folder). */
  path: string;
  facts: WorkspaceFacts;
  /** Project settings (the declared hardware); empty when there are none. */
  project: ProjectSettings;
  /** Report a problem at a range (use doc.keyRange / doc.valueRange to find it). */
  report(problem: RuleReport): void;
}

export interface RuleReport {
  range: Diagnostic['range'];
  message: string;
  related?: RelatedInfo[];
  fixes?: FixData[];
  /** Overrides the rule's id for rules that report several codes (e.g. schema/<keyword>). */
  code?: string;
}

export interface Rule {
  /** e.g. `pipeline/cycle`; also the docs page docs/rules/<id>.md. */
  id: string;
  /** Which kinds it checks; 'any' for every document. */
  kinds: readonly ConfigKind[] | 'any';
  defaultSeverity: Severity;
  /** One sentence: what it catches (shown in docs and settings). */
  description: string;
  check(doc: ConfigDocument, ctx: RuleContext): void;
}

export type { JsonPath };
