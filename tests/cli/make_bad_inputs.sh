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

# Weights with a damaged header: the tiny-bert file with one edit to its JSON header (data kept).
edit_header() {  # DIR PYTHON-STATEMENTS-ON-h
  copy_model "$1"
  /usr/bin/python3 - "$good/model.safetensors" "$out/$1/model.safetensors" "$2" <<'PY'
import json, struct, sys
src, dst, edit = sys.argv[1:]
raw = open(src, "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
h = json.loads(raw[8:8 + n])
exec(edit)
header = json.dumps(h).encode()
open(dst, "wb").write(struct.pack("<Q", len(header)) + header + raw[8 + n:])
PY
}
edit_header offsets-past-end 'w = h["embeddings.word_embeddings.weight"]; s = w["data_offsets"][1] - w["data_offsets"][0]; w["data_offsets"] = [10**9, 10**9 + s]'
edit_header offsets-overlap 'h["embeddings.LayerNorm.weight"]["data_offsets"] = list(h["embeddings.LayerNorm.bias"]["data_offsets"])'
edit_header integer-dtype 'h["embeddings.LayerNorm.weight"]["dtype"] = "I32"'
edit_header shape-mismatch 'h["encoder.layer.0.output.dense.weight"]["shape"] = [128, 64]'

# config.json values the weights do not back, some absurd: they must fail before any allocation.
edit_config() {  # DIR KEY VALUE
  copy_model "$1"
  /usr/bin/python3 - "$good/config.json" "$out/$1/config.json" "$2" "$3" <<'PY'
import json, sys
src, dst, key, value = sys.argv[1:]
c = json.load(open(src))
c[key] = int(value)
json.dump(c, open(dst, "w"), indent=2)
PY
}
edit_config config-hidden-mismatch hidden_size 128
edit_config config-huge-hidden hidden_size 1000000000
edit_config config-huge-layers num_hidden_layers 1000000
edit_config config-huge-vocab vocab_size 1000000000000

# Only PyTorch pickle weights (never unpickled: these bytes are not even a pickle).
copy_model pickle-only
rm "$out/pickle-only/model.safetensors"
printf 'PK\003\004 not really a pickle' > "$out/pickle-only/pytorch_model.bin"

# Vocabularies: empty, and one line repeated (the last line replaced by a copy of line 1000).
copy_model vocab-empty
: > "$out/vocab-empty/vocab.txt"
copy_model vocab-duplicate
{ head -n -1 "$good/vocab.txt"; sed -n 1000p "$good/vocab.txt"; } > "$out/vocab-duplicate/vocab.txt"

# SentencePiece models (tiny-xlmr): cut to 300 bytes (ends on a piece boundary: only the specs
# are missing), text bytes, and <unk> turned into a normal piece.
xlmr="$data/models/tiny-xlmr"
copy_xlmr() { mkdir -p "$out/$1"; cp "$xlmr"/{config.json,model.safetensors,sentencepiece.bpe.model,tokenizer_config.json,special_tokens_map.json} "$out/$1/"; }
copy_xlmr spm-truncated
head -c 300 "$xlmr/sentencepiece.bpe.model" > "$out/spm-truncated/sentencepiece.bpe.model"
copy_xlmr spm-text
echo "this is not a sentencepiece model" > "$out/spm-text/sentencepiece.bpe.model"
copy_xlmr spm-no-unk
/usr/bin/python3 - "$xlmr/sentencepiece.bpe.model" "$out/spm-no-unk/sentencepiece.bpe.model" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
# piece 0: 0a 0e | 0a 05 "<unk>" | 15 score(4) | 18 02  -> type 1 (NORMAL)
assert d[2:9] == b"\n\x05<unk>" and d[14:16] == b"\x18\x02", d[:16]
d[15] = 1
open(sys.argv[2], "wb").write(bytes(d))
PY

# A corpus where a language's file is a directory.
mkdir -p "$out/corpus-dir/xx.txt" "$out/corpus-dir"
printf 'fine\n' > "$out/corpus-dir/yy.txt"
