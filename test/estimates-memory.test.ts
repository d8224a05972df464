/** Memory model and model-family table, against hand-computed cases (docs/estimates.md explains the model). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { knownModels, modelShape, type ModelShape } from '../server/src/config/estimates/model-families';
import {
  estimatePeakMemory,
  largestParts,
  loraParams,
  parseGpuMemory,
  GiB,
  type TrainingSetup,
} from '../server/src/config/estimates/memory';

function shape(id: string): ModelShape {
  const s = modelShape(id);
  assert.ok(s, `no shape for ${id}`);
  return s;
}

test('every family shape adds up to its published parameter count within 0.5%', () => {
  for (const m of knownModels()) {
    const attn = m.hidden * m.heads * m.headDim * 2 + m.hidden * m.kvHeads * m.headDim * 2;
    const ff = (m.mlp === 'gated' ? 3 : 2) * m.hidden * m.intermediate * m.experts;
    const total = m.vocab * m.hidden * (m.tiedEmbeddings ? 1 : 2) + m.layers * (attn + ff);
    const rel = Math.abs(total / m.params - 1);
    assert.ok(rel < 0.005, `${m.name}: shapes give ${total}, published ${m.params}`);
  }
});

test('base_model ids resolve to their family', () => {
  assert.equal(shape('meta-llama/Llama-3.1-8B-Instruct').params, 8.03e9);
  assert.equal(shape('meta-llama/Meta-Llama-3-70B').name, 'Llama 3 70B');
  assert.equal(shape('meta-llama/Llama-3.2-1B').name, 'Llama 3.2 1B');
  assert.equal(shape('mistralai/Mixtral-8x7B-Instruct-v0.1').experts, 8);
  assert.equal(shape('mistralai/Mistral-7B-v0.3').name, 'Mistral 7B');
  assert.equal(shape('Qwen/Qwen2.5-0.5B-Instruct').hidden, 896);
  assert.equal(shape('Qwen/Qwen3-8B').layers, 36);
  assert.equal(shape('google/gemma-2-9b-it').headDim, 256);
  assert.equal(shape('microsoft/Phi-3-mini-4k-instruct').naming, 'phi3');
  assert.equal(shape('openai-community/gpt2').params, 124e6);
  assert.equal(shape('gpt2-xl').name, 'GPT-2 XL');
});

test('unknown families fall back to the size in the name, or to nothing', () => {
  const g = shape('acme/falcon-like-13b-chat');
  assert.equal(g.params, 13e9);
  assert.equal(g.generic, true);
  // hidden = cbrt(13e9 * 128 / 12) = 5174 -> 5120 (a multiple of 128); layers = 5120 / 128.
  assert.equal(g.hidden, 5120);
  assert.equal(g.layers, 40);
  assert.equal(shape('./checkpoints/tiny-350m').params, 350e6);
  assert.equal(modelShape('./checkpoints/final'), undefined);
  assert.equal(modelShape('acme/8x7b'), undefined);
  // Numbers that cannot be sizes (or are dates/versions) give no shape.
  assert.equal(modelShape('acme/model-99999b'), undefined);
  assert.equal(modelShape(`acme/${'9'.repeat(400)}b`), undefined);
});

test('LoRA r=16 on q,k,v,o of Llama 3 8B has 13,631,488 parameters (the PEFT count)', () => {
  const m = shape('meta-llama/Llama-3.1-8B');
  // Per layer: q,o 16*(4096+4096) each, k,v 16*(4096+1024) each = 425,984; times 32 layers.
  assert.deepEqual(loraParams(m, { rank: 16, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] }), {
    params: 13_631_488,
    unknownModules: [],
  });
  // all-linear adds gate/up 16*(4096+14336) and down the same: 3 * 294,912 per layer more.
  assert.equal(loraParams(m, { rank: 16, targetModules: 'all-linear' }).params, 13_631_488 + 32 * 3 * 294_912);
  assert.deepEqual(loraParams(m, { rank: 8, targetModules: ['q_proj', 'c_attn'] }).unknownModules, ['c_attn']);
});

const base: Omit<TrainingSetup, 'model'> = {
  method: 'sft',
  batchSize: 1,
  maxSeqLength: 1024,
  gpus: 8,
  gradientCheckpointing: false,
  optimizer: 'adamw',
  precision: 'bf16',
};

test('full fine-tuning of Llama 3 8B on 8 GPUs: 16 bytes/param sharded 8 ways', () => {
  const b = estimatePeakMemory({ ...base, model: shape('meta-llama/Llama-3.1-8B') });
  assert.equal(b.weights, (2 * 8.03e9) / 8);
  assert.equal(b.gradients, (2 * 8.03e9) / 8);
  assert.equal(b.optimizer, (12 * 8.03e9) / 8);
  assert.equal(b.trainable, 0);
  assert.equal(b.reference, 0);
  // 34 * 1024 tokens * 4096 * 32 layers = 4,563,402,752; logits 6 * 1024 * 128,256 = 788,004,864.
  assert.equal(b.activations, 4_563_402_752 + 788_004_864);
  assert.equal(b.total, 2.0075e9 * 2 + 12.045e9 + 5_351_407_616 + GiB);
  assert.equal(b.trainableParams, 8.03e9);
});

test('DPO full fine-tuning adds a sharded frozen reference; on one GPU it is a full copy', () => {
  const one = estimatePeakMemory({ ...base, method: 'dpo', gpus: 1, model: shape('meta-llama/Llama-3.1-8B') });
  assert.equal(one.reference, 2 * 8.03e9);
  // Pairs: chosen and rejected go through together, twice the tokens of SFT.
  const sft = estimatePeakMemory({ ...base, gpus: 1, model: shape('meta-llama/Llama-3.1-8B') });
  assert.equal(one.activations, 2 * sft.activations);
});

test('QLoRA DPO of Llama 3 8B: 4-bit double-quantized blocks, 16-bit embeddings, no reference copy', () => {
  const b = estimatePeakMemory({
    ...base,
    method: 'dpo',
    gpus: 1,
    batchSize: 2,
    maxSeqLength: 512,
    gradientCheckpointing: true,
    model: shape('meta-llama/Llama-3.1-8B-Instruct'),
    lora: { rank: 16, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] },
    quantization: { bits: 4, doubleQuant: true },
  });
  // Linear params 6,979,321,856 at 0.5 + 1/64 + 4/16384 bytes, the other 1,050,678,144 at 2 bytes.
  assert.ok(Math.abs(b.weights - 5_701_773_056) < 1, String(b.weights));
  assert.equal(b.trainable, 4 * 13_631_488);
  assert.equal(b.gradients, 4 * 13_631_488);
  assert.equal(b.optimizer, 8 * 13_631_488);
  assert.equal(b.reference, 0);
  // 4 sequences of 512: checkpointed inputs 2*2048*4096*32 + one layer 34*2048*4096 + logits 6*2048*128256.
  assert.equal(b.activations, 2_398_093_312);
  assert.deepEqual(largestParts(b, 2).map((p) => p.part), ['weights', 'activations']);
});

test('PPO full fine-tuning trains a value model and holds reference + reward models', () => {
  const b = estimatePeakMemory({ ...base, method: 'ppo', gpus: 4, model: shape('Qwen/Qwen2.5-0.5B') });
  const P = 0.494e9;
  assert.equal(b.weights, (2 * 2 * P) / 4);
  assert.equal(b.optimizer, (2 * 12 * P) / 4);
  assert.equal(b.reference, (2 * 2 * P) / 4);
  assert.equal(b.trainableParams, 2 * P);
});

test('8-bit AdamW and fp32 change the optimizer and word sizes', () => {
  const m = shape('gpt2');
  const adam8 = estimatePeakMemory({ ...base, gpus: 1, optimizer: 'adamw_8bit', model: m });
  assert.equal(adam8.optimizer, (4 + 2) * 124e6);
  const fp32 = estimatePeakMemory({ ...base, gpus: 1, precision: 'fp32', model: m });
  assert.equal(fp32.weights, 4 * 124e6);
  assert.equal(fp32.optimizer, 8 * 124e6);
});

test('gpu_memory quantities: GB as on GPU spec sheets (GiB), malformed -> undefined', () => {
  assert.equal(parseGpuMemory('80GB'), 80 * GiB);
  assert.equal(parseGpuMemory('24Gi'), 24 * GiB);
  assert.equal(parseGpuMemory('40960Mi'), 40 * GiB);
  assert.equal(parseGpuMemory('lots'), undefined);
  assert.equal(parseGpuMemory('80 parsecs'), undefined);
});
