/**
 * The frameworks' option tables, generated from their own source by scripts/gen-framework-schemas.py
 * and committed under schemas/frameworks/. Each is a plain schema tree (`properties`, `type`, `enum`,
 * `default`, `description`, `deprecated`), so completion and hover read it like our own schemas.
 */
import type { FrameworkKind } from '../kind';
import axolotl from '../../../../schemas/frameworks/axolotl.json';
import llamafactory from '../../../../schemas/frameworks/llamafactory.json';
import trl from '../../../../schemas/frameworks/trl.json';
import deepspeed from '../../../../schemas/frameworks/deepspeed.json';

export interface FrameworkOption {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  deprecated?: string | boolean;
  /** Where the option is defined upstream (class name). */
  source?: string;
  /** The enum only suggests values: other values of the type are accepted too. */
  enumOpen?: boolean;
  /** axolotl: the plugin that defines it (needs `plugins:`). */
  plugin?: string;
  /** TRL: the trainer configs that define it. */
  trainers?: string[];
  /** TRL: an option of the older release alignment-handbook pins, removed since. */
  removedAfter?: string;
  /** DeepSpeed: the key is another name of this one. */
  aliasOf?: string;
  properties?: Record<string, FrameworkOption>;
  items?: FrameworkOption;
  additionalProperties?: boolean | FrameworkOption;
}

export interface FrameworkSchema {
  framework: string;
  /** Upstream release the table was generated from, and its commit. */
  version: string;
  commit: string;
  repository: string;
  /** True when the framework silently drops keys it does not know (axolotl, alignment-handbook). */
  ignoresUnknownKeys: boolean;
  /** What the framework does with a key it does not know, for the unknown-key message. */
  unknownKeyEffect: string;
  /** DeepSpeed: unknown top-level keys are not reported (many modules read the dict). */
  topLevelOpen?: boolean;
  sources: { repository: string; version: string; commit: string; classes: string[] }[];
  properties: Record<string, FrameworkOption>;
  description?: string;
}

export const FRAMEWORK_SCHEMAS: Record<FrameworkKind, FrameworkSchema> = {
  axolotl: axolotl as unknown as FrameworkSchema,
  llamafactory: llamafactory as unknown as FrameworkSchema,
  trl: trl as unknown as FrameworkSchema,
  deepspeed: deepspeed as unknown as FrameworkSchema,
};

/** "axolotl v0.18.0" for messages and hovers. */
export function pinnedVersion(kind: FrameworkKind): string {
  const s = FRAMEWORK_SCHEMAS[kind];
  return `${FRAMEWORK_NAMES[kind]} ${s.version}`;
}

export const FRAMEWORK_NAMES: Record<FrameworkKind, string> = { axolotl: 'axolotl', llamafactory: 'LLaMA-Factory', trl: 'TRL', deepspeed: 'DeepSpeed' };
