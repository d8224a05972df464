#!/bin/sh
# Regenerates schemas/frameworks/*.json from the pinned upstream releases. Needs bare git mirrors of the
# upstream repositories (MIRRORS/<owner>+<name>/repo, as the project's search tool fetches them) and python3;
# CI needs neither (the output is committed). To move to a new release, change a tag here and rerun.
set -eu
MIRRORS=${MIRRORS:-/work/.mirror}
TRANSFORMERS_MIRROR=${TRANSFORMERS_MIRROR:-$MIRRORS/8b-is+transformers/repo}   # any clone holding upstream's tags
OUT=$(mktemp -d)
here=$(cd "$(dirname "$0")" && pwd)
extract() { # mirror tag dir paths...
  m=$1; t=$2; d=$OUT/$3; shift 3; mkdir -p "$d"; git --git-dir="$m" archive "$t" "$@" | tar -x -C "$d"; git --git-dir="$m" rev-parse "$t^{commit}"
}
AX=$(extract "$MIRRORS/axolotl-ai-cloud+axolotl/repo" v0.18.0 axolotl src/axolotl/utils/schemas src/axolotl/integrations)
LF=$(extract "$MIRRORS/hiyouga+LLaMA-Factory/repo" v0.9.5 llamafactory src/llamafactory/hparams src/llamafactory/data/template.py)
TRL=$(extract "$MIRRORS/huggingface+trl/repo" v1.9.0 trl trl/trainer trl/scripts)
HF=$(extract "$TRANSFORMERS_MIRROR" v5.6.0 transformers src/transformers/training_args.py src/transformers/training_args_seq2seq.py src/transformers/trainer_utils.py src/transformers/debug_utils.py)
# alignment-handbook has no release since v0.3.0 (2024); its recipes follow main, pinned here by commit.
TRL_OLD=$(extract "$MIRRORS/huggingface+trl/repo" v0.19.1 trl-0.19 trl/trainer trl/scripts)
HF_OLD=$(extract "$TRANSFORMERS_MIRROR" v4.53.3 transformers-4.53 src/transformers/training_args.py src/transformers/training_args_seq2seq.py src/transformers/trainer_utils.py src/transformers/debug_utils.py)
HB=$(extract "$MIRRORS/huggingface+alignment-handbook/repo" 925acdfe4b2b4e38c3dabd1851bc418f0b656351 handbook src/alignment)
DS=$(extract "$MIRRORS/deepspeedai+DeepSpeed/repo" v0.19.5 deepspeed deepspeed/runtime)
G="python3 $here/gen-framework-schemas.py"
$G axolotl "$OUT/axolotl" --version v0.18.0 --commit "$AX"
$G llamafactory "$OUT/llamafactory" --version v0.9.5 --commit "$LF" --transformers "$OUT/transformers" --transformers-version v5.6.0 --transformers-commit "$HF"
$G trl "$OUT/trl" --version v1.9.0 --commit "$TRL" --transformers "$OUT/transformers" --transformers-version v5.6.0 --transformers-commit "$HF" \
  --handbook "$OUT/handbook" --handbook-version main-2025-07-29 --handbook-commit "$HB" \
  --legacy-trl "$OUT/trl-0.19" --legacy-trl-version v0.19.1 --legacy-trl-commit "$TRL_OLD" \
  --legacy-transformers "$OUT/transformers-4.53" --legacy-transformers-version v4.53.3 --legacy-transformers-commit "$HF_OLD"
$G deepspeed "$OUT/deepspeed" --version v0.19.5 --commit "$DS"
rm -rf "$OUT"
