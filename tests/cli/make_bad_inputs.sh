#!/usr/bin/env bash
# Builds the broken inputs the CLI failure tests feed to polyrep, from the good test data.
set -euo pipefail
data=$1; out=$2
rm -rf "$out"; mkdir -p "$out"
good="$data/models/tiny-bert"
copy_model() { mkdir -p "$out/$1"; cp "$good"/{config.json,model.safetensors,vocab.txt,tokenizer_config.json,special_tokens_map.json} "$out/$1/"; }
copy_model truncated-weights
head -c 100000 "$good/model.safetensors" > "$out/truncated-weights/model.safetensors"
copy_model bad-config
printf '{"model_type": "bert", "hidden_size": 64,' > "$out/bad-config/config.json"
copy_model missing-weights
rm "$out/missing-weights/model.safetensors"
mkdir -p "$out/corpus-utf8" "$out/corpus-empty"
printf 'good line\n\xc3\x28 bad line\n' > "$out/corpus-utf8/xx.txt"
printf 'fine\nfine too\n' > "$out/corpus-utf8/yy.txt"
: > "$out/corpus-empty/xx.txt"
echo "not an hdf5 file" > "$out/existing.h5"
# Good inputs for `polyrep tokenize`, which needs no model: tokenizer files only, and a config.json
# that names nothing but the model type.
mkdir -p "$out/tokenizer-only" "$out/type-only"
cp "$good"/{vocab.txt,tokenizer_config.json,special_tokens_map.json} "$out/tokenizer-only/"
cp "$good"/{vocab.txt,tokenizer_config.json,special_tokens_map.json} "$out/type-only/"
printf '{"model_type": "bert"}\n' > "$out/type-only/config.json"
