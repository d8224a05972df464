/**
 * "Declare Your Hardware": `.rlhf-lens.yaml` with its `hardware:` set, keeping every other key and
 * comment. Pure (the server handler reads the file; the client writes the answer).
 */
import { parseDocument } from 'yaml';

export interface HardwareProfile {
  gpus: number;
  gpu_memory: string;
  gpu: string;
}

/**
 * `.rlhf-lens.yaml` with its `hardware:` set to `hw`, keeping every other key and comment. A file
 * that is not a YAML mapping is refused (the caller says so rather than overwrite it).
 */
export function withHardware(existing: string | undefined, hw: HardwareProfile): string {
  const doc = parseDocument(existing ?? '');
  if (doc.errors.length) throw new Error(`it is not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`);
  if (doc.contents !== null && !(doc.contents && typeof doc.contents === 'object' && 'items' in doc.contents && !Array.isArray(doc.toJS()))) {
    throw new Error('its top level is not a mapping');
  }
  const node = doc.createNode({ gpus: hw.gpus, gpu_memory: hw.gpu_memory, gpu: hw.gpu });
  node.flow = true;
  if (doc.contents === null) {
    const header = '# RLHF Lens project settings (docs/settings.md): rule severities, file kinds, hardware.\n';
    return `${header}hardware: {gpus: ${hw.gpus}, gpu_memory: ${hw.gpu_memory}, gpu: ${hw.gpu}}\n`;
  }
  doc.set('hardware', node);
  return doc.toString();
}
