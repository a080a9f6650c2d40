"""The attention checks of report_check.py (--attention EXPECTED.json): heatmaps of a clicked sentence and
its translations against the maps the caller read from the HDF5 file (report_test.sh writes EXPECTED.json:
{"hidden_layers": [...], "attention_layers": [1, ...], "maps": [{"lang", "text", "tokens", "weights":
[[T*T] per layer]}, ...] (the clicked sentence first, then its translations in language order),
"without_map": {"text", "lang"}, optionally "omitted": true for a report that left the maps out})."""
import base64
import json
import re
import time

from report_check import TOOLTIP_TEXT, CheckError

VIRIDIS = [0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725]


def viridis(t):
    """The report's colour of t in [0, 1] (matplotlib's viridis at 11 stops, linear between them)."""
    x = min(max(t, 0.0), 1.0) * (len(VIRIDIS) - 1)
    i = min(int(x), len(VIRIDIS) - 2)
    f = x - i
    a, b = VIRIDIS[i], VIRIDIS[i + 1]
    return [round(((a >> s) & 255) + f * (((b >> s) & 255) - ((a >> s) & 255))) for s in (16, 8, 0)]


ATTENTION_STATE = "polyrepReport.attention()"

# Per heatmap shown: language, the token labels on each axis, the canvas' CSS size and the colour at the
# centre of every cell (read from the canvas' pixels).
HEATMAP_DOM = """(() => { const st = polyrepReport.attention(); if (!st) return null;
  return Array.from(document.querySelectorAll('#attention-body .hm')).map((el) => {
    const cv = el.querySelector('canvas.hm-canvas'), T = Number(el.dataset.size);
    const img = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data, colours = [];
    for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) {
      const x = Math.floor((j + 0.5) * cv.width / T), y = Math.floor((i + 0.5) * cv.height / T), o = 4 * (y * cv.width + x);
      colours.push([img[o], img[o + 1], img[o + 2]]);
    }
    const labels = (sel) => Array.from(el.querySelectorAll(sel + ' .hm-label')).map((e) => e.textContent);
    return { lang: el.dataset.lang, rows: labels('.hm-rows'), cols: labels('.hm-cols'), colours,
             width: cv.getBoundingClientRect().width, height: cv.getBoundingClientRect().height }; }); })()"""


def find_point(payload, cloud_name, text, lang):
    """Index of the first point of the cloud with this display text and language."""
    cloud = next(c for c in payload["clouds"] if c["name"] == cloud_name)
    langs = base64.b64decode(cloud["lang"])
    texts = base64.b64decode(cloud["text"])
    want = payload["languages"].index(lang)
    for i in range(cloud["count"]):
        if int.from_bytes(langs[2 * i:2 * i + 2], "little") == want and \
                cloud["strings"][int.from_bytes(texts[4 * i:4 * i + 4], "little")] == text:
            return i
    raise CheckError("cloud %s has no point %r (%s)" % (cloud_name, text, lang))


def sentence_index(payload, text, lang):
    """Index into the payload's sentence table."""
    st = payload["sentences"]
    langs = base64.b64decode(st["lang"])
    want = payload["languages"].index(lang)
    for s in range(st["count"]):
        if st["text"][s] == text and int.from_bytes(langs[2 * s:2 * s + 2], "little") == want:
            return s
    raise CheckError("the sentence table has no %r (%s)" % (text, lang))


def token_points_of(payload, sentence):
    """The token points of a sentence, middle ones first (specials coincide across sentences)."""
    cloud = next(c for c in payload["clouds"] if c["name"] == "tokens")
    sent = base64.b64decode(cloud["sentence"])
    points = [i for i in range(cloud["count"]) if int.from_bytes(sent[4 * i:4 * i + 4], "little", signed=True) == sentence]
    if not points:
        raise CheckError("no token point of sentence %d" % sentence)
    return sorted(points, key=lambda i: abs(points.index(i) - len(points) / 2))


def click_point(ck, method, index):
    """Click point INDEX of the current cloud, zooming in first while other points cover it."""
    own = re.compile(r"#%d(?!\d)" % index)
    for _ in range(10):
        pos = ck.cdp.evaluate("polyrepReport.screenPosition(%s, %d)" % (json.dumps(method), index))
        if not pos:
            raise CheckError("point %d has no screen position in the %s panel" % (index, method))
        ck.cdp.mouse("mouseMoved", pos["x"], pos["y"])
        text = ck.cdp.wait_for(TOOLTIP_TEXT, 10, "the tooltip of point %d" % index)
        if own.search(text):
            break
        ck.cdp.mouse("mouseWheel", pos["x"], pos["y"], deltaX=0, deltaY=-400)
    else:
        raise CheckError("point %d stays covered by others in the %s panel" % (index, method))
    ck.cdp.mouse("mousePressed", pos["x"], pos["y"], button="left", buttons=1, clickCount=1)
    ck.cdp.mouse("mouseReleased", pos["x"], pos["y"], button="left", buttons=0, clickCount=1)


def expected_layer(expect, slot):
    """Transformer layer shown at a slot: the one that produced hidden state L; layer 1 for the embeddings."""
    return max(1, expect["hidden_layers"][slot])


def check_heatmaps(ck, expect, slot, what):
    """The heatmaps shown must be the expected maps at this slot's layer: languages in order, T x T cells
    (canvas size / cell size), T token labels on each axis, and every cell's colour from the file's weight on
    the shared scale."""
    state = ck.cdp.evaluate(ATTENTION_STATE)
    maps = expect["maps"]
    layer = expected_layer(expect, slot)
    li = expect["attention_layers"].index(layer)
    if state is None or state["layer"] != layer:
        ck.fail("%s: attention panel shows %r, expected layer %d" % (what, state and state["layer"], layer))
        return None
    shown = ck.cdp.evaluate(HEATMAP_DOM)
    langs = [m["lang"] for m in maps]
    if [b["lang"] for b in shown] != langs:
        ck.fail("%s: heatmaps of %s, expected %s" % (what, [b["lang"] for b in shown], langs))
        return None
    vmax = max(max(m["weights"][li]) for m in maps)
    bad = []
    for b, m in zip(shown, maps):
        T = len(m["tokens"])
        if b["rows"] != m["tokens"] or b["cols"] != m["tokens"]:
            bad.append("%s: token labels %r / %r, expected %r" % (m["lang"], b["rows"][:5], b["cols"][:5], m["tokens"][:5]))
        if abs(b["width"] - T * state["cell"]) > 0.5 or abs(b["height"] - T * state["cell"]) > 0.5:
            bad.append("%s: canvas %gx%g px is not %d x %d cells of %d px" % (m["lang"], b["width"], b["height"], T, T, state["cell"]))
        wrong = [k for k, c in enumerate(b["colours"]) if max(abs(x - y) for x, y in zip(c, viridis(m["weights"][li][k] / vmax))) > 3]
        if len(b["colours"]) != T * T or wrong:
            bad.append("%s: %d of %d cell colours differ from the file's weights (first at cell %s)"
                       % (m["lang"], len(wrong), T * T, wrong[:1]))
    if bad:
        ck.fail("%s: %s" % (what, "; ".join(bad)))
        return None
    ck.ok("%s: %d heatmaps (%s) at layer %d, %s cells with their token labels, colours = the file's weights"
          % (what, len(shown), ", ".join(langs), layer, " + ".join("%d x %d" % ((len(m["tokens"]),) * 2) for m in maps)))
    return [b["colours"] for b in shown]


def hover_cell(ck, expect, slot, i, j, move=True):
    """Hover cell (i, j) of the first heatmap (move=False: the mouse is there already); the tooltip must
    read "query → key: weight" (the file's)."""
    m = expect["maps"][0]
    T = len(m["tokens"])
    if move:
        r = ck.cdp.evaluate("(() => { const r = document.querySelector('#attention-body .hm canvas').getBoundingClientRect();"
                            " return {x: r.left, y: r.top, w: r.width, h: r.height}; })()")
        ck.cdp.mouse("mouseMoved", r["x"] + (j + 0.5) * r["w"] / T, r["y"] + (i + 0.5) * r["h"] / T)
    head = "%s → %s: " % (m["tokens"][i], m["tokens"][j])
    weight = m["weights"][expect["attention_layers"].index(expected_layer(expect, slot))][i * T + j]
    deadline = time.monotonic() + 10
    while True:
        text = ck.cdp.evaluate(TOOLTIP_TEXT) or ""
        k = text.find(head)
        if k >= 0:
            number = re.match(r"[-+0-9.e]+", text[k + len(head):])
            if number and abs(float(number.group(0)) - weight) <= 1e-4 + 1e-3 * weight:
                ck.ok("%s cell (%d, %d) shows %r (the file: %.6f)" % ("hovering" if move else "the tooltip of", i, j,
                                                                       text[k:k + len(head) + len(number.group(0))], weight))
                return
        if time.monotonic() > deadline:
            ck.fail("hovering cell (%d, %d): tooltip %r, expected %r with %.6f" % (i, j, " ".join(text.split()), head, weight))
            return
        time.sleep(0.05)


def check_omitted(ck, payload, first):
    """A report made with --max-attention-maps below the file's maps: a sentence whose map was left out
    says so (and shows no heatmap)."""
    ck.cdp.evaluate("polyrepReport.setCloud('sentences')")
    method = "tsne" if "tsne" in ck.methods() else "pca"
    click_point(ck, method, find_point(payload, "sentences", first["text"], first["lang"]))
    state = ck.cdp.wait_for(ATTENTION_STATE, 10, "the attention panel")
    if "left out of this report" in (state.get("note") or "") and "--max-attention-maps" in state["note"] and not state["maps"]:
        ck.ok("a sentence whose map the report left out: %r" % state["note"])
    else:
        ck.fail("a sentence whose map the report left out: state %r" % state)


def check_attention(ck, payload, path):
    """Click a sentence with a map: its heatmap and its translations' (the expected maps, read from the HDF5
    file by the caller) appear; a cell's hover shows its weight; the arrow key changes the layer and the
    heatmaps; slot 0 shows layer 1. Then the same maps from a token of that sentence, and the note for a
    sentence without a map."""
    with open(path, encoding="utf-8") as f:
        expect = json.load(f)
    first = expect["maps"][0]
    if expect.get("omitted"):
        return check_omitted(ck, payload, first)
    n = len(expect["hidden_layers"])
    ck.cdp.evaluate("polyrepReport.setCloud('sentences'); polyrepReport.setLayer(%d)" % (1 if n > 2 else 0))
    method = "tsne" if "tsne" in ck.methods() else "pca"
    click_point(ck, method, find_point(payload, "sentences", first["text"], first["lang"]))
    ck.cdp.wait_for(ATTENTION_STATE + " && " + ATTENTION_STATE + ".maps.length", 10, "the attention panel")
    slot = ck.cdp.evaluate("polyrepReport.layer")
    before = check_heatmaps(ck, expect, slot, "click on the %s sentence" % first["lang"])
    T = len(first["tokens"])
    i, j = min(2, T - 1), min(1, T - 1)
    hover_cell(ck, expect, slot, i, j)
    target, key, code = (slot + 1, "ArrowRight", 39) if slot + 1 < n else (slot - 1, "ArrowLeft", 37)
    for kind in ("keyDown", "keyUp"):  # the mouse stays on the cell: its tooltip must follow the layer
        ck.cdp.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code})
    ck.cdp.wait_for("polyrepReport.layer === %d" % target, 10, "layer slot %d" % target)
    after = check_heatmaps(ck, expect, target, "after moving to layer slot %d" % target)
    if before is not None and after is not None and expected_layer(expect, target) != expected_layer(expect, slot):
        if before != after:
            ck.ok("moving the layer changed the heatmaps")
        else:
            ck.fail("moving from slot %d to %d left the heatmaps as they were" % (slot, target))
    hover_cell(ck, expect, target, i, j, move=False)
    ck.cdp.evaluate("polyrepReport.setLayer(0)")
    meta = ck.cdp.evaluate("document.getElementById('attention-meta').textContent")
    if expected_layer(expect, 0) == 1 and "embeddings have no attention" in meta:
        ck.ok("at the embeddings the panel says %r" % meta)
        check_heatmaps(ck, expect, 0, "at the embeddings")
    else:
        ck.fail("at the embeddings the panel says %r" % meta)
    last = len(expect["hidden_layers"]) - 1  # contextual states: a token does not sit on its twins
    ck.cdp.evaluate("polyrepReport.setCloud('tokens'); polyrepReport.setLayer(%d)" % last)
    sent = sentence_index(payload, first["text"], first["lang"])
    for k, point in enumerate(token_points_of(payload, sent)[:5]):
        try:
            click_point(ck, method, point)
            break
        except CheckError:
            if k == 4:
                raise
    ck.cdp.wait_for(ATTENTION_STATE + " && " + ATTENTION_STATE + ".sentence === %d" % sent, 10, "the attention panel (tokens)")
    check_heatmaps(ck, expect, last, "click on token %d of that sentence" % point)
    none = expect["without_map"]
    ck.cdp.evaluate("polyrepReport.setCloud('sentences')")
    click_point(ck, method, find_point(payload, "sentences", none["text"], none["lang"]))
    state = ck.cdp.wait_for(ATTENTION_STATE, 10, "the attention panel (no map)")
    note = state.get("note") or ""
    if "--attention mean --attention-sentences" in note and not state["maps"]:
        ck.ok("a sentence without a map: %r" % note)
    else:
        ck.fail("a sentence without a map: state %r" % state)
