/** The `variants` list of an Experiment as rules read it: each item's index, id and traffic, leniently typed. */
import type { ConfigDocument } from '../../model';

export interface VariantView {
  index: number;
  id?: string;
  control: boolean;
  traffic?: number;
  hasTraffic: boolean;
}

export function variantsOf(doc: ConfigDocument): VariantView[] | undefined {
  const variants = (doc.value as Record<string, unknown> | null)?.['variants'];
  if (!Array.isArray(variants)) return undefined;
  return variants.map((raw, index) => {
    const v = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const traffic = v['traffic'];
    return {
      index,
      ...(typeof v['id'] === 'string' ? { id: v['id'] } : {}),
      control: v['control'] === true,
      ...(typeof traffic === 'number' && Number.isFinite(traffic) ? { traffic } : {}),
      hasTraffic: traffic !== undefined && traffic !== null,
    };
  });
}

export function variantLabel(v: VariantView): string {
  return v.id !== undefined ? `"${v.id}"` : `#${v.index + 1}`;
}
