#!/usr/bin/env bash
# Regenerates the fuzz seed corpora tests/fuzz/<target>/seeds/ from the test fixtures in
# tests/data (the tiny models and the FLORES-200 lines). Seeds are kept to a few KB each: libFuzzer
# mutates small inputs far faster, and the parsers' interesting paths do not need real sizes.
# Kept crash inputs live next to them in tests/fuzz/<target>/regressions/ and are not touched.
# Usage: tools/fuzz/make_seeds.sh   (deterministic: rerunning gives the same bytes)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
exec python3 - "$root" <<'EOF'
import json, pathlib, struct, sys

root = pathlib.Path(sys.argv[1])
data = root / "tests/data"
models = data / "models"
out_root = root / "tests/fuzz"
SEP = b"\n====\n"  # tools/fuzz/fuzz_support.hpp kSeparator

def flores(lang, n=1, start=0):
    lines = (data / "flores200/dev" / f"{lang}.dev").read_text(encoding="utf-8").splitlines()
    return lines[start:start + n]

def seeds(target, items):
    d = out_root / target / "seeds"
    d.mkdir(parents=True, exist_ok=True)
    for old in d.iterdir():
        old.unlink()
    for name, blob in items.items():
        (d / name).write_bytes(blob)

# --- safetensors: small valid files in the layout of the tiny models, and edge cases ------------
def safetensors(tensors, metadata=None, pad=0):
    header, blob = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(blob), len(blob) + len(raw)]}
        blob += raw
    text = json.dumps(header, separators=(",", ":")).encode() + b" " * pad
    return struct.pack("<Q", len(text)) + text + blob

real = json.loads((models / "tiny-bert/model.safetensors").read_bytes()[8:8 + 4112])
names = [k for k in real if k != "__metadata__"][:6]
f32 = lambda n: struct.pack(f"<{n}f", *[i * 0.25 - 1 for i in range(n)])
seeds("safetensors", {
    "bert_names": safetensors([(names[0], "F32", [4], f32(4)), (names[1], "F32", [2, 2], f32(4)),
                               (names[2], "F16", [3], b"\x00\x3c" * 3), (names[3], "BF16", [1, 2], b"\x80\x3f" * 2),
                               ("embeddings.position_ids", "I64", [1, 3], struct.pack("<3q", 0, 1, 2))],
                              {"format": "pt"}, pad=5),
    "all_dtypes": safetensors([(f"t{i}", d, [2], b"\x01" * 2 * s) for i, (d, s) in enumerate(
        [("F64", 8), ("F32", 4), ("F16", 2), ("BF16", 2), ("I64", 8), ("I32", 4), ("I16", 2), ("I8", 1),
         ("U64", 8), ("U32", 4), ("U16", 2), ("U8", 1), ("BOOL", 1), ("F8_E4M3", 1), ("F8_E5M2", 1)])]),
    "scalar_and_empty": safetensors([("scalar", "F32", [], f32(1)), ("empty", "F32", [0, 7], b""),
                                     ("zero_first", "I8", [0, 4611686018427387904], b"")]),
    "empty_header": safetensors([]),
    "metadata_only": safetensors([], {"format": "pt", "note": "x"}),
})

# --- config: the tiny models' JSON files (config, tokenizer_config, special_tokens_map) --------
def config_seed(model, added=b"", text=""):
    d = models / model
    parts = [(d / f).read_bytes() for f in ("config.json", "tokenizer_config.json", "special_tokens_map.json")]
    return SEP.join(parts + [added, text.encode()])

seeds("config", {
    "bert": config_seed("tiny-bert", text="Hello [MASK] world, caf\u00e9 \u4e16\u754c!"),
    "xlmr": config_seed("tiny-xlmr", b'{"<user>": 17}', "hello <mask> world</s>"),
    "xglm": config_seed("tiny-xglm", text=" he llo <madeupword3> world "),
    "bert_config_only": (models / "tiny-bert/config.json").read_bytes(),
})

# --- vocab: flag byte + part of the real tiny-bert vocab.txt + a FLORES line --------------------
vocab = (models / "tiny-bert/vocab.txt").read_text(encoding="utf-8").splitlines()
def vocab_seed(flags, text, extra_pieces=150):
    wanted = set()
    for w in text.replace(",", " ").replace(".", " ").split():
        for i in range(len(w)):
            for j in range(i + 1, min(len(w), i + 6) + 1):
                wanted.add(w[i:j] if i == 0 else "##" + w[i:j])
    lines = vocab[:extra_pieces] + [p for p in vocab[extra_pieces:] if p in wanted][:200]
    return bytes([flags]) + "\n".join(lines).encode() + SEP + text.encode()

seeds("vocab", {
    "eng": vocab_seed(0x00, flores("eng_Latn")[0]),
    "deu_lower": vocab_seed(0x01, flores("deu_Latn")[0]),
    "zho": vocab_seed(0x00, flores("zho_Hans")[0][:60], 60),
    "rus_strip": vocab_seed(0x05, flores("rus_Cyrl")[0][:80], 60),
    "hin_short_words": vocab_seed(0x38, flores("hin_Deva")[0][:80], 60),
    "crlf_no_text": b"\x00" + b"\r\n".join(p.encode() for p in vocab[:120]),
})

# --- spm: pieces of the tiny XLM-R model, its trainer spec, and a small precompiled map --------
def varint(v):
    b = b""
    while v >= 0x80:
        b += bytes([(v & 0x7F) | 0x80]); v >>= 7
    return b + bytes([v])

def fields(b):
    i = 0
    while i < len(b):
        k, i = read_varint(b, i)
        f, w = k >> 3, k & 7
        if w == 0: v, i = read_varint(b, i)
        elif w == 2:
            n, i = read_varint(b, i); v = b[i:i + n]; i += n
        elif w == 5: v = b[i:i + 4]; i += 4
        else: v = b[i:i + 8]; i += 8
        yield f, w, v

def read_varint(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1; v |= (c & 0x7F) << s; s += 7
        if c < 0x80: return v, i

def ld(field, payload): return varint(field << 3 | 2) + varint(len(payload)) + payload
def vi(field, v): return varint(field << 3) + varint(v)

def darts(rules):
    """A darts-clone double array (sentencepiece's precompiled_charsmap) mapping each key's UTF-8
    bytes to a NUL-ended replacement: <u32 trie bytes><units><replacements>."""
    trie, outputs = {}, b""
    for key, value in rules:
        node = trie
        for byte in key.encode():
            node = node.setdefault(byte, {})
        node[-1] = len(outputs)
        outputs += value.encode() + b"\0"
    units, used = {}, {0}
    todo = [(trie, 0, 0)]  # (node, position, label)
    while todo:
        node, pos, label = todo.pop(0)
        labels = sorted(k for k in node if k >= 0)
        need = labels + ([0] if -1 in node else [])
        base = 1
        while any((base ^ c) in used for c in need):
            base += 1
        for c in need:
            used.add(base ^ c)
        units[pos] = label | ((-1 in node) << 8) | ((pos ^ base) << 10)
        if -1 in node:
            units[base] = (1 << 31) | node[-1]
        todo += [(node[c], base ^ c, c) for c in labels]
    array = b"".join(struct.pack("<I", units.get(i, 0)) for i in range(max(used) + 1))
    return struct.pack("<I", len(array)) + array + outputs

rules = [(chr(0xFF21 + i), chr(0x41 + i)) for i in range(26)] + \
        [(chr(0xFF41 + i), chr(0x61 + i)) for i in range(26)] + \
        [("\u3000", " "), ("\u00a0", " "), ("\ufb01", "fi"), ("\u2460", "1"), ("e\u0301", "\u00e9"),
         ("\t", " "), ("\u2028", " "), ("\uff01", "!")]
charsmap = darts(rules)

xlmr = (models / "tiny-xlmr/sentencepiece.bpe.model").read_bytes()
pieces = [v for f, w, v in fields(xlmr) if f == 1]
trainer = next(v for f, w, v in fields(xlmr) if f == 2)
def spm_model(text, normalizer, extra=b"", first=120):
    norm = "\u2581" + text.replace(" ", "\u2581")
    def text_of(p): return next(v for f, w, v in fields(p) if f == 1).decode()
    keep = pieces[:first] + [p for p in pieces[first:] if text_of(p) in norm][:150]
    return b"".join(ld(1, p) for p in keep) + extra + ld(2, trainer) + ld(3, normalizer)

def piece(text, score, kind):
    return ld(1, ld(1, text.encode()) + varint(2 << 3 | 5) + struct.pack("<f", score) + vi(3, kind))

nfkc_small = ld(1, b"nmt_nfkc") + ld(2, charsmap)
identity = ld(1, b"identity") + ld(2, b"")
eng = flores("eng_Latn")[0][:90]
fra = flores("fra_Latn")[0][:90]
seeds("spm", {
    "xlmr_charsmap": b"\x00" + "\uff28\uff45llo\u3000w\u00f6rld \ufb01ne e\u0301t\u00e9 ".encode() + SEP +
                     spm_model("Hello world fine \u00e9t\u00e9", nfkc_small),
    "xlmr_eng": b"\x00" + eng.encode() + SEP + spm_model(eng, nfkc_small),
    "xglm_fra": b"\x01" + fra.encode() + SEP + spm_model(fra, identity + vi(3, 0) + vi(4, 1)),
    "added_tokens_user_defined": b"\x02" + "a <mask>  b [x] c </s> d".encode() + SEP +
                     spm_model("a b c d", nfkc_small, piece("[x]", 0, 4) + piece("<unused>", 0, 5), 40),
    "suffix_whitespace": b"\x01" + " two  spaces ".encode() + SEP +
                     b"".join(ld(1, p) for p in pieces[:80]) + ld(2, trainer + vi(24, 1)) +
                     ld(3, ld(1, b"nmt_nfkc") + vi(4, 0) + vi(5, 0)),
})

# --- corpus: layout byte, option byte, then up to four files ------------------------------------
def lines(lang, n=3, crlf=False):
    return ("\r\n" if crlf else "\n").join(flores(lang, n)).encode() + (b"\r\n" if crlf else b"\n")
table = ("eng_Latn\tfra_Latn\tzho_Hans\n" + "\n".join(
    "\t".join(row) for row in zip(flores("eng_Latn", 3), flores("fra_Latn", 3), flores("zho_Hans", 3)))).encode()
seeds("corpus", {
    "tsv_table": b"\x00\x00" + table,
    "tsv_table_bom_crlf": b"\x00\x00\xef\xbb\xbf" + table.replace(b"\n", b"\r\n") + b"\r\n",
    "plain": b"\x01\x00" + SEP.join([lines("eng_Latn"), lines("ell_Grek"), lines("hin_Deva", 2)]),
    "plain_langs_crlf": b"\x01\x10" + SEP.join([lines("arb_Arab", crlf=True), lines("kor_Hang")]),
    "plain_unknown_lang": b"\x01\x30" + SEP.join([lines("eng_Latn", 1), lines("ukr_Cyrl", 1)]),
    "tsv_per_language": b"\x02\x01" + SEP.join([b"1\t" + lines("eng_Latn", 1).rstrip(b"\n") + b"\tx\n2\t" +
                                                    lines("eng_Latn", 1).rstrip(b"\n") + b"\n",
                                                b"a\t" + lines("jpn_Jpan", 1)]),
    "flores": b"\x03\x00" + SEP.join([lines("tha_Thai", 2), lines("amh_Ethi", 2)]),
})
for target in ("safetensors", "config", "vocab", "spm", "corpus"):
    d = out_root / target / "seeds"
    print(f"{target}: {len(list(d.iterdir()))} seeds, largest {max(p.stat().st_size for p in d.iterdir())} bytes")
EOF
