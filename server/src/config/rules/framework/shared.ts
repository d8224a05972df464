/** Helpers the framework rules share: the facts of a document and plain words for its framework. */
import type { ConfigDocument } from '../../model';
import { frameworkFacts, type FrameworkFacts } from '../../frameworks/facts';
import { FRAMEWORK_NAMES } from '../../frameworks/schemas';

export function factsOf(doc: ConfigDocument): FrameworkFacts | undefined {
  return frameworkFacts(doc);
}

export function frameworkName(f: FrameworkFacts): string {
  return FRAMEWORK_NAMES[f.kind];
}
