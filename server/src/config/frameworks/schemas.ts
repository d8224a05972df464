/**
 * The frameworks' option tables, generated from their own source by scripts/gen-framework-schemas.py
 * and committed under schemas/frameworks/. Each is a plain schema tree (`properties`, `type`, `enum`,
 * `default`, `description`, `deprecated`), so completion and hover read it like our own schemas.
 */
import type { FrameworkKind } from '../kind';

export interface FrameworkOption {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  deprecated?: string | boolean;
  /** Where the option is defined upstream (class name). */
  source?: string;
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
  properties: Record<string, FrameworkOption>;
  description?: string;
}

const EMPTY: Record<FrameworkKind, FrameworkSchema | undefined> = { axolotl: undefined, llamafactory: undefined, trl: undefined, deepspeed: undefined };
export const FRAMEWORK_SCHEMAS: Record<FrameworkKind, FrameworkSchema | undefined> = EMPTY;
