/**
 * Shapes of common open model families, for memory estimates. Parameter counts are the published
 * totals (model cards / config.json); shapes are from each model's config.json. `test/estimates-memory.test.ts`
 * checks that the shapes add up to the published count, so a typo in either shows.
 */

export interface ModelShape {
  /** Display name, e.g. "Llama 3.1 8B". */
  name: string;
  /** Published total parameter count. */
  params: number;
  hidden: number;
  /** Feed-forward width (per expert for mixture-of-experts). */
  intermediate: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
  /** Input embedding and output head share weights. */
  tiedEmbeddings: boolean;
  /** Feed-forward block: gated (SwiGLU/GeGLU: gate, up, down) or plain (GPT-2: fc, proj). */
  mlp: 'gated' | 'plain';
  /** Feed-forward experts per layer (1 for dense models). */
  experts: number;
  /** Linear-layer naming, which decides what `lora.target_modules` names mean. */
  naming: 'llama' | 'mixtral' | 'phi3' | 'gpt2';
  /** True when the shape was guessed from a size in the name (no family matched). */
  generic?: boolean;
}

type Family = Omit<ModelShape, 'name' | 'params' | 'generic'>;

const llama = (f: Partial<Family> & Pick<Family, 'hidden' | 'intermediate' | 'layers' | 'heads' | 'kvHeads' | 'vocab'>): Family => ({
  headDim: f.hidden / f.heads,
  tiedEmbeddings: false,
  mlp: 'gated',
  experts: 1,
  naming: 'llama',
  ...f,
});

interface Entry {
  /** Tested against the lower-cased model id with separators normalised to "-". */
  match: RegExp;
  name: string;
  params: number;
  shape: Family;
}

const LLAMA3_VOCAB = 128_256;
const QWEN_VOCAB = 151_936;

/** Ordered: more specific patterns first. */
const ENTRIES: Entry[] = [
  // Llama 3.x
  { match: /llama-3\.2-1b/, name: 'Llama 3.2 1B', params: 1.236e9, shape: llama({ hidden: 2048, intermediate: 8192, layers: 16, heads: 32, kvHeads: 8, vocab: LLAMA3_VOCAB, tiedEmbeddings: true }) },
  { match: /llama-3\.2-3b/, name: 'Llama 3.2 3B', params: 3.213e9, shape: llama({ hidden: 3072, intermediate: 8192, layers: 28, heads: 24, kvHeads: 8, vocab: LLAMA3_VOCAB, tiedEmbeddings: true }) },
  { match: /llama-3(\.1)?-405b/, name: 'Llama 3.1 405B', params: 405.85e9, shape: llama({ hidden: 16384, intermediate: 53248, layers: 126, heads: 128, kvHeads: 8, vocab: LLAMA3_VOCAB }) },
  { match: /llama-3(\.[0-3])?-70b/, name: 'Llama 3 70B', params: 70.55e9, shape: llama({ hidden: 8192, intermediate: 28672, layers: 80, heads: 64, kvHeads: 8, vocab: LLAMA3_VOCAB }) },
  { match: /llama-3(\.1)?-8b/, name: 'Llama 3 8B', params: 8.03e9, shape: llama({ hidden: 4096, intermediate: 14336, layers: 32, heads: 32, kvHeads: 8, vocab: LLAMA3_VOCAB }) },
  // Llama 2
  { match: /llama-2-7b/, name: 'Llama 2 7B', params: 6.738e9, shape: llama({ hidden: 4096, intermediate: 11008, layers: 32, heads: 32, kvHeads: 32, vocab: 32_000 }) },
  { match: /llama-2-13b/, name: 'Llama 2 13B', params: 13.016e9, shape: llama({ hidden: 5120, intermediate: 13824, layers: 40, heads: 40, kvHeads: 40, vocab: 32_000 }) },
  { match: /llama-2-70b/, name: 'Llama 2 70B', params: 68.977e9, shape: llama({ hidden: 8192, intermediate: 28672, layers: 80, heads: 64, kvHeads: 8, vocab: 32_000 }) },
  // Mistral / Mixtral
  { match: /mixtral-8x7b/, name: 'Mixtral 8x7B', params: 46.7e9, shape: llama({ hidden: 4096, intermediate: 14336, layers: 32, heads: 32, kvHeads: 8, vocab: 32_000, experts: 8, naming: 'mixtral' }) },
  { match: /mistral-7b/, name: 'Mistral 7B', params: 7.248e9, shape: llama({ hidden: 4096, intermediate: 14336, layers: 32, heads: 32, kvHeads: 8, vocab: 32_768 }) },
  // Qwen2 / Qwen2.5 (same shapes per size)
  { match: /qwen2(\.5)?-0\.5b/, name: 'Qwen2.5 0.5B', params: 0.494e9, shape: llama({ hidden: 896, intermediate: 4864, layers: 24, heads: 14, kvHeads: 2, vocab: QWEN_VOCAB, tiedEmbeddings: true }) },
  { match: /qwen2(\.5)?-1\.5b/, name: 'Qwen2.5 1.5B', params: 1.544e9, shape: llama({ hidden: 1536, intermediate: 8960, layers: 28, heads: 12, kvHeads: 2, vocab: QWEN_VOCAB, tiedEmbeddings: true }) },
  { match: /qwen2\.5-3b/, name: 'Qwen2.5 3B', params: 3.086e9, shape: llama({ hidden: 2048, intermediate: 11008, layers: 36, heads: 16, kvHeads: 2, vocab: QWEN_VOCAB, tiedEmbeddings: true }) },
  { match: /qwen2(\.5)?-7b/, name: 'Qwen2.5 7B', params: 7.616e9, shape: llama({ hidden: 3584, intermediate: 18944, layers: 28, heads: 28, kvHeads: 4, vocab: 152_064 }) },
  { match: /qwen2\.5-14b/, name: 'Qwen2.5 14B', params: 14.77e9, shape: llama({ hidden: 5120, intermediate: 13824, layers: 48, heads: 40, kvHeads: 8, vocab: 152_064 }) },
  { match: /qwen2\.5-32b/, name: 'Qwen2.5 32B', params: 32.76e9, shape: llama({ hidden: 5120, intermediate: 27648, layers: 64, heads: 40, kvHeads: 8, vocab: 152_064 }) },
  { match: /qwen2(\.5)?-72b/, name: 'Qwen2.5 72B', params: 72.71e9, shape: llama({ hidden: 8192, intermediate: 29568, layers: 80, heads: 64, kvHeads: 8, vocab: 152_064 }) },
  // Qwen3 (dense)
  { match: /qwen3-0\.6b/, name: 'Qwen3 0.6B', params: 0.596e9, shape: llama({ hidden: 1024, intermediate: 3072, layers: 28, heads: 16, kvHeads: 8, headDim: 128, vocab: QWEN_VOCAB, tiedEmbeddings: true }) },
  { match: /qwen3-1\.7b/, name: 'Qwen3 1.7B', params: 1.72e9, shape: llama({ hidden: 2048, intermediate: 6144, layers: 28, heads: 16, kvHeads: 8, headDim: 128, vocab: QWEN_VOCAB, tiedEmbeddings: true }) },
  { match: /qwen3-4b/, name: 'Qwen3 4B', params: 4.02e9, shape: llama({ hidden: 2560, intermediate: 9728, layers: 36, heads: 32, kvHeads: 8, headDim: 128, vocab: QWEN_VOCAB, tiedEmbeddings: true }) },
  { match: /qwen3-8b/, name: 'Qwen3 8B', params: 8.19e9, shape: llama({ hidden: 4096, intermediate: 12288, layers: 36, heads: 32, kvHeads: 8, headDim: 128, vocab: QWEN_VOCAB }) },
  { match: /qwen3-14b/, name: 'Qwen3 14B', params: 14.77e9, shape: llama({ hidden: 5120, intermediate: 17408, layers: 40, heads: 40, kvHeads: 8, headDim: 128, vocab: QWEN_VOCAB }) },
  { match: /qwen3-32b/, name: 'Qwen3 32B', params: 32.76e9, shape: llama({ hidden: 5120, intermediate: 25600, layers: 64, heads: 64, kvHeads: 8, headDim: 128, vocab: QWEN_VOCAB }) },
  // Gemma 2
  { match: /gemma-2-2b/, name: 'Gemma 2 2B', params: 2.614e9, shape: llama({ hidden: 2304, intermediate: 9216, layers: 26, heads: 8, kvHeads: 4, headDim: 256, vocab: 256_000, tiedEmbeddings: true }) },
  { match: /gemma-2-9b/, name: 'Gemma 2 9B', params: 9.242e9, shape: llama({ hidden: 3584, intermediate: 14336, layers: 42, heads: 16, kvHeads: 8, headDim: 256, vocab: 256_000, tiedEmbeddings: true }) },
  { match: /gemma-2-27b/, name: 'Gemma 2 27B', params: 27.227e9, shape: llama({ hidden: 4608, intermediate: 36864, layers: 46, heads: 32, kvHeads: 16, headDim: 128, vocab: 256_000, tiedEmbeddings: true }) },
  // Phi-3
  { match: /phi-3(\.5)?-mini/, name: 'Phi-3 mini', params: 3.821e9, shape: llama({ hidden: 3072, intermediate: 8192, layers: 32, heads: 32, kvHeads: 32, vocab: 32_064, naming: 'phi3' }) },
  { match: /phi-3-medium/, name: 'Phi-3 medium', params: 13.96e9, shape: llama({ hidden: 5120, intermediate: 17920, layers: 40, heads: 40, kvHeads: 10, vocab: 32_064, naming: 'phi3' }) },
  // GPT-2 (1024 learned positions are counted in params)
  { match: /gpt2-xl/, name: 'GPT-2 XL', params: 1.558e9, shape: gpt2(1600, 48, 25) },
  { match: /gpt2-large/, name: 'GPT-2 large', params: 774e6, shape: gpt2(1280, 36, 20) },
  { match: /gpt2-medium/, name: 'GPT-2 medium', params: 355e6, shape: gpt2(1024, 24, 16) },
  { match: /(^|\/)gpt2$/, name: 'GPT-2', params: 124e6, shape: gpt2(768, 12, 12) },
];

function gpt2(hidden: number, layers: number, heads: number): Family {
  return llama({ hidden, intermediate: 4 * hidden, layers, heads, kvHeads: heads, vocab: 50_257, tiedEmbeddings: true, mlp: 'plain', naming: 'gpt2' });
}

/** Every known family, for docs and tests. */
export function knownModels(): readonly ModelShape[] {
  return ENTRIES.map((e) => ({ name: e.name, params: e.params, ...e.shape }));
}

function normalise(id: string): string {
  return id.trim().toLowerCase().replace(/[_\s]+/g, '-');
}

/**
 * The shape of the model named by `base_model` (a Hugging Face id or a path), or undefined when
 * neither a known family nor a size like `7B`/`350M` appears in the name.
 */
export function modelShape(baseModel: string): ModelShape | undefined {
  const id = normalise(baseModel);
  for (const e of ENTRIES) if (e.match.test(id)) return { name: e.name, params: e.params, ...e.shape };
  const size = /(?:^|[^a-z0-9.])(\d{1,5}(?:\.\d{1,3})?)([bm])(?![a-z0-9])/.exec(id);
  if (!size) return undefined;
  const params = Number(size[1]) * (size[2] === 'b' ? 1e9 : 1e6);
  // Sizes outside what exists (1M to 10T parameters) are more likely a version or a date than a size.
  if (!(params >= 1e6 && params <= 1e13)) return undefined;
  return genericShape(params, `${size[1]}${size[2]!.toUpperCase()} model (size from its name)`);
}

/**
 * A Llama-like shape for a parameter count when the family is unknown: layers = hidden / 128
 * (true of Llama 3 1B and 8B) and 12·layers·hidden² ≈ params, so hidden = ∛(params · 128 / 12),
 * rounded to a multiple of 128; a gated feed-forward 8/3 as wide (so attention 4h² + feed-forward 8h²
 * per layer); full multi-head attention (the conservative choice for memory); a 32k vocabulary.
 */
export function genericShape(params: number, name: string): ModelShape {
  const hidden = Math.max(128, Math.round(Math.cbrt((params * 128) / 12) / 128) * 128);
  const heads = hidden / 128;
  return {
    name,
    params,
    hidden,
    intermediate: Math.round((8 * hidden) / 3),
    layers: Math.max(1, Math.round(hidden / 128)),
    heads,
    kvHeads: heads,
    headDim: 128,
    vocab: 32_000,
    tiedEmbeddings: false,
    mlp: 'gated',
    experts: 1,
    naming: 'llama',
    generic: true,
  };
}
