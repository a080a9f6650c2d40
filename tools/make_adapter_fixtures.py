#!/usr/bin/python3
"""Regenerates tests/data/adapters/ from the tiny models in tests/data/models/.

PEFT adapters keyed exactly as PEFT's save_pretrained() writes them (LoRA for BertModel, IA3 for
XLMRobertaForSequenceClassification, rsLoRA with bias="all" for XGLMForCausalLM), each with what
PEFT's merge_and_unload() would give, merged here in float64 and stored in float32. Only the
tensors the merge changes are stored (X-merged/merged_tensors.safetensors, base-model names);
the test writes the full merged checkpoint from the base model's tensors with those replaced.
The task-model checkpoints (BertForSequenceClassification, ...) are not stored either: the test
builds them from the base models' tensors.

Only numpy is needed (no torch, peft or safetensors here), so the safetensors format is written
by hand: an 8-byte little-endian header length, the JSON header, the raw data. Deterministic:
every random draw comes from a fixed seed. Run: /usr/bin/python3 tools/make_adapter_fixtures.py
"""
import json
import shutil
import struct
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "tests" / "data" / "models"
OUT = ROOT / "tests" / "data" / "adapters"
DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    header.pop("__metadata__", None)
    base = 8 + length
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[base + begin:base + end], dtype=DTYPES[info["dtype"]])
        tensors[name] = array.reshape(info["shape"]).copy()
    return tensors


def write_safetensors(path, tensors):
    """Tensors in name order, header padded with spaces to a multiple of 8 (as safetensors does)."""
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}[array.dtype]
        blob = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def write_json(path, value):
    path.write_text(json.dumps(value, indent=2, sort_keys=True) + "\n")


def fresh_dir(name):
    folder = OUT / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def write_merged(base, name, changed):
    """The tensors the merge changed (float32, base-model names): the test puts them in place of
    the base model's to get the merged checkpoint. Each must exist in the base with the same
    shape and dtype, and differ from it (an unchanged tensor would only repeat the base)."""
    for key, value in changed.items():
        assert key in base and value.shape == base[key].shape and value.dtype == np.float32, key
        assert not np.array_equal(value, base[key]), f"{name}: {key} is unchanged"
    folder = fresh_dir(name)
    write_safetensors(folder / "merged_tensors.safetensors", changed)


def lora_config(base, r, alpha, targets, bias="none", rslora=False, rank_pattern=None):
    # The keys LoraConfig.save_pretrained writes (PEFT 0.10-0.13), with the values a user would have.
    return {
        "alpha_pattern": {}, "auto_mapping": None, "base_model_name_or_path": f"tests/data/models/{base}",
        "bias": bias, "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True,
        "layer_replication": None, "layers_pattern": None, "layers_to_transform": None, "loftq_config": {},
        "lora_alpha": alpha, "lora_dropout": 0.0, "megatron_config": None, "megatron_core": "megatron.core",
        "modules_to_save": None, "peft_type": "LORA", "r": r, "rank_pattern": rank_pattern or {},
        "revision": None, "target_modules": targets, "task_type": None, "use_dora": False, "use_rslora": rslora,
    }


def write_adapter(name, config, tensors):
    folder = fresh_dir(name)
    write_json(folder / "adapter_config.json", config)
    write_safetensors(folder / "adapter_model.safetensors", {k: v.astype(np.float32) for k, v in tensors.items()})


def lora_pair(rng, r, n_in, n_out, scale):
    return rng.normal(0, scale, (r, n_in)), rng.normal(0, scale, (n_out, r))


def merged(weight, update):
    """float64 arithmetic on the float32 weights, stored as float32."""
    return (weight.astype(np.float64) + update).astype(np.float32)


def bert_lora():
    """(a) LoRA r=4 alpha=8 on query,value of a BertModel: keys base_model.model.encoder..."""
    rng = np.random.default_rng(1001)
    base = read_safetensors(MODELS / "tiny-bert" / "model.safetensors")
    adapter, changed = {}, {}
    scaling = 8 / 4
    for layer in range(2):
        for module in ("query", "value"):
            name = f"encoder.layer.{layer}.attention.self.{module}"
            a, b = lora_pair(rng, 4, 64, 64, 0.1)
            adapter[f"base_model.model.{name}.lora_A.weight"] = a
            adapter[f"base_model.model.{name}.lora_B.weight"] = b
            # Through float32, as the adapter file stores A and B.
            a32, b32 = a.astype(np.float32).astype(np.float64), b.astype(np.float32).astype(np.float64)
            changed[f"{name}.weight"] = merged(base[f"{name}.weight"], scaling * (b32 @ a32))
    write_adapter("tiny-bert-lora", lora_config("tiny-bert", 4, 8, ["query", "value"]), adapter)
    write_merged(base, "tiny-bert-lora-merged", changed)


def xlmr_ia3():
    """(c) IA3 for XLMRobertaForSequenceClassification, PEFT's default targets for (xlm-)roberta:
    key, value, output.dense, feed-forward output.dense. PEFT matches both by suffix, so
    attention.output.dense is targeted and feed-forward too."""
    rng = np.random.default_rng(1002)
    base = read_safetensors(MODELS / "tiny-xlmr" / "model.safetensors")
    adapter, changed = {}, {}
    for layer in range(2):
        prefix = f"encoder.layer.{layer}"
        for module, feedforward in (("attention.self.key", False), ("attention.self.value", False),
                                    ("attention.output.dense", True), ("output.dense", True)):
            name = f"{prefix}.{module}"
            weight = base[f"{name}.weight"]
            shape = (1, weight.shape[1]) if feedforward else (weight.shape[0], 1)
            scale = (1 + 0.3 * rng.normal(size=shape)).astype(np.float32).astype(np.float64)
            adapter[f"base_model.model.roberta.{name}.ia3_l"] = scale
            changed[f"{name}.weight"] = (weight.astype(np.float64) * scale).astype(np.float32)
            if not feedforward:
                changed[f"{name}.bias"] = (base[f"{name}.bias"].astype(np.float64) * scale[:, 0]).astype(np.float32)
    config = {
        "auto_mapping": None, "base_model_name_or_path": "tests/data/models/tiny-xlmr", "fan_in_fan_out": False,
        "feedforward_modules": ["output.dense"], "inference_mode": True, "init_ia3_weights": True,
        "modules_to_save": None, "peft_type": "IA3", "revision": None,
        "target_modules": ["key", "value", "output.dense"], "task_type": None,
    }
    write_adapter("tiny-xlmr-ia3", config, adapter)
    write_merged(base, "tiny-xlmr-ia3-merged", changed)


def xglm_lora():
    """(d) rsLoRA r=4 alpha=8 on q_proj,v_proj,fc1 (rank_pattern fc1: 2) of XGLMForCausalLM, with
    bias="all": every bias of the model saved (base_layer.bias for the wrapped layers), three of
    them trained."""
    rng = np.random.default_rng(1003)
    base = read_safetensors(MODELS / "tiny-xglm" / "model.safetensors")
    adapter, changed = {}, {}
    targets = ("self_attn.q_proj", "self_attn.v_proj", "fc1")
    trained = {"layers.0.self_attn.q_proj.bias", "layers.1.fc2.bias", "layer_norm.bias"}
    for name in sorted(n for n in base if n.endswith(".bias")):
        module = name[:-len(".bias")]
        wrapped = any(module.endswith(t) for t in targets)
        value = base[name].astype(np.float64)
        if name in trained:
            value = (value + 0.1 * rng.normal(size=value.shape)).astype(np.float32)
            changed[name] = value
        key = f"{module}.base_layer.bias" if wrapped else name
        adapter[f"base_model.model.model.{key}"] = value
    for layer in range(2):
        for module in targets:
            name = f"layers.{layer}.{module}"
            weight = base[f"{name}.weight"]
            r = 2 if module == "fc1" else 4
            a, b = lora_pair(rng, r, weight.shape[1], weight.shape[0], 0.05)
            adapter[f"base_model.model.model.{name}.lora_A.weight"] = a
            adapter[f"base_model.model.model.{name}.lora_B.weight"] = b
            a32, b32 = a.astype(np.float32).astype(np.float64), b.astype(np.float32).astype(np.float64)
            changed[f"{name}.weight"] = merged(weight, 8 / np.sqrt(r) * (b32 @ a32))
    config = lora_config("tiny-xglm", 4, 8, ["q_proj", "v_proj", "fc1"], bias="all", rslora=True,
                         rank_pattern={"fc1": 2})
    write_adapter("tiny-xglm-lora", config, adapter)
    write_merged(base, "tiny-xglm-lora-merged", changed)


README = """# PEFT adapters and their offline merges

Written by `tools/make_adapter_fixtures.py` (numpy only, fixed seeds) from `../models/`; do not
edit by hand, run `/usr/bin/python3 tools/make_adapter_fixtures.py` instead. Used by
`tests/integration/model/adapter_test.cpp`.

| folder | what |
|---|---|
| `tiny-bert-lora/` | PEFT LoRA adapter for `../models/tiny-bert` (BertModel): r=4, lora_alpha=8, target query,value, bias "none"; keys `base_model.model.encoder.layer.N.attention.self.{query,value}.lora_{A,B}.weight`, random non-zero A and B |
| `tiny-bert-lora-merged/` | `merged_tensors.safetensors`: the query/value weights of tiny-bert with that adapter merged (W + 8/4 * B @ A, float64, stored float32), what PEFT's `merge_and_unload()` gives |
| `tiny-xlmr-ia3/` | PEFT IA3 adapter for `../models/tiny-xlmr` keyed as for XLMRobertaForSequenceClassification (`base_model.model.roberta.encoder...ia3_l`): target key, value, output.dense, feedforward output.dense (PEFT matches by suffix, so `attention.output.dense` is targeted and feed-forward too) |
| `tiny-xlmr-ia3-merged/` | `merged_tensors.safetensors`: tiny-xlmr's tensors that merging it changes: feed-forward weights scaled per input column, key/value weights and biases per output row |
| `tiny-xglm-lora/` | PEFT LoRA adapter for `../models/tiny-xglm` keyed as for XGLMForCausalLM (`base_model.model.model.layers.N...`): r=4, lora_alpha=8, use_rslora, target q_proj,v_proj,fc1 with rank_pattern fc1: 2, bias "all" (every bias saved, `X.base_layer.bias` for wrapped layers; `layers.0.self_attn.q_proj`, `layers.1.fc2` and the final `layer_norm` biases trained) |
| `tiny-xglm-lora-merged/` | `merged_tensors.safetensors`: tiny-xglm's tensors that merging it changes (the three trained biases replaced, q_proj/v_proj/fc1 weights W + 8/sqrt(r) * B @ A) |

A `merged_tensors.safetensors` holds only the tensors the merge changed, under the base model's
names (no task prefix), computed here in numpy so that the expected values do not come from
polyrep. The test writes the full merged checkpoint into a temporary folder: the base model's
`model.safetensors` with those tensors replaced, config and tokenizer files copied from the base
model; it fails if the file is missing or names a tensor the base model does not have.

The task-model checkpoints the adapters are also applied to (tiny-bert as
BertForSequenceClassification and BertForMaskedLM, tiny-xlmr as
XLMRobertaForSequenceClassification, tiny-xglm as XGLMForCausalLM: the task prefix added, head
tensors appended, config `architectures` set) are not stored: the test builds them the same way
from the base models' tensors.
"""


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    bert_lora()
    xlmr_ia3()
    xglm_lora()
    (OUT / "README.md").write_text(README)
    written = {"README.md", "tiny-bert-lora", "tiny-bert-lora-merged", "tiny-xlmr-ia3", "tiny-xlmr-ia3-merged",
               "tiny-xglm-lora", "tiny-xglm-lora-merged"}
    for stale in sorted(p.name for p in OUT.iterdir() if p.name not in written):
        print(f"make_adapter_fixtures: {OUT / stale} is not written by this script; delete it")
    total = sum(f.stat().st_size for f in OUT.rglob("*") if f.is_file())
    print(f"make_adapter_fixtures: wrote {OUT} ({total / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
