"""The compare checks of report_check.py (--compare EXPECTED.json): a report of `polyrep plot A --compare B`
against what the caller read from the two HDF5 files (report_test.sh writes EXPECTED.json: {"labels": [A, B],
"points": {cloud: number of points}, "cka": [numpy's linear CKA of the two files' /hidden/sentences/mean, one
per layer slot], "hover": a sentence point's index})."""
import array
import base64
import json
import re
import sys
import time

from report_check import TOOLTIP_TEXT, CheckError

METHODS = ("pca", "tsne")
SIDES = (0, 1)
PANELS = [(m, s) for m in METHODS for s in SIDES]

# Pixels with any ink on a panel's overlay canvas (hover and pin marks) within r CSS px of client (x, y).
OVERLAY_INK = """((sel, x, y, r) => { const c = document.querySelector(sel + ' canvas.overlay'); if (!c) return -1;
  const b = c.getBoundingClientRect(), sx = c.width / b.width, sy = c.height / b.height;
  const x0 = Math.max(0, Math.floor((x - b.left - r) * sx)), y0 = Math.max(0, Math.floor((y - b.top - r) * sy));
  const w = Math.min(c.width - x0, Math.ceil(2 * r * sx)), h = Math.min(c.height - y0, Math.ceil(2 * r * sy));
  if (w <= 0 || h <= 0) return 0;
  const d = c.getContext('2d').getImageData(x0, y0, w, h).data; let n = 0;
  for (let k = 3; k < d.length; k += 4) if (d[k] > 0) n++; return n; })"""


def selector(method, side):
    return "#panel-%s%s" % (method, "-b" if side else "")


def decode_xy(layer):
    a = array.array("H")
    a.frombytes(base64.b64decode(layer["xy"]))
    if sys.byteorder != "little":
        a.byteswap()
    b = layer["bounds"]
    return [(b[0] + a[2 * i] / 65535 * (b[1] - b[0]), b[2] + a[2 * i + 1] / 65535 * (b[3] - b[2])) for i in range(len(a) // 2)]


def layout(payload, cloud, method, side, slot):
    """Side 0's or side 1's layout of a cloud at a slot, from the payload ("clouds" / "compare"."clouds")."""
    clouds = payload["clouds"] if side == 0 else payload["compare"]["clouds"]
    c = next(x for x in clouds if x["name"] == cloud)
    return decode_xy(next(v for v in c["views"] if v["method"] == method)["layers"][slot])


def position(ck, method, index, side):
    return ck.cdp.evaluate("polyrepReport.screenPosition(%s, %d, %d)" % (json.dumps(method), index, side))


def ink(ck, method, side, x, y, r=12):
    return ck.cdp.evaluate("%s(%s, %r, %r, %r)" % (OVERLAY_INK, json.dumps(selector(method, side)), x, y, r))


def ink_at(ck, method, side, index):
    p = position(ck, method, index, side)
    return ink(ck, method, side, p["x"], p["y"]) if p else None


def check_panels(ck, payload, expect):
    """Both files' PCA and t-SNE panels, titled with their labels, draw every point of every cloud."""
    for side in SIDES:
        for m in METHODS:
            title = ck.cdp.evaluate("document.querySelector('%s h2').textContent" % selector(m, side))
            if expect["labels"][side] in title:
                ck.ok("panel %s of file %d is titled %r" % (m, side, title))
            else:
                ck.fail("panel %s of file %d is titled %r, expected the label %r" % (m, side, title, expect["labels"][side]))
    for cloud, n in expect["points"].items():
        ck.cdp.evaluate("polyrepReport.setCloud(%s)" % json.dumps(cloud))
        counts = {p: ck.cdp.evaluate("polyrepReport.drawnCount('%s', %d)" % p) for p in PANELS}
        if all(v == n for v in counts.values()):
            ck.ok("%s: all four panels (PCA, t-SNE of both files) draw %d points" % (cloud, n))
        else:
            ck.fail("%s: panels draw %s, expected %d each" % (cloud, counts, n))


def check_geometry(ck, payload, cloud, slot):
    """Each panel places its points as its own file's layout of the slot (payload) says: the screen positions of
    three points are one equal-aspect map of their coordinates."""
    for m, side in PANELS:
        xy = layout(payload, cloud, m, side, slot)
        i = min(range(len(xy)), key=lambda p: xy[p][0])
        j = max(range(len(xy)), key=lambda p: xy[p][0])
        k = max(range(len(xy)), key=lambda p: xy[p][1])
        pos = {p: position(ck, m, p, side) for p in (i, j, k)}
        if not all(pos.values()):
            ck.fail("slot %d, %s of file %d: points %s have no screen position" % (slot, m, side, pos))
            continue
        a = (pos[j]["x"] - pos[i]["x"]) / (xy[j][0] - xy[i][0])
        err = max(abs(pos[i]["x"] + a * (xy[k][0] - xy[i][0]) - pos[k]["x"]),
                  abs(pos[i]["y"] - a * (xy[k][1] - xy[i][1]) - pos[k]["y"]),
                  abs(pos[i]["y"] - a * (xy[j][1] - xy[i][1]) - pos[j]["y"]))
        if err <= 1.0:
            ck.ok("slot %d, %s of file %d: points at that file's layout (within %.2f px)" % (slot, m, side, err))
        else:
            ck.fail("slot %d, %s of file %d: points %.1f px off that file's layout" % (slot, m, side, err))


def check_slider(ck, payload, expect, cloud):
    """The arrow key and a click on the slider move all four panels to the new layer slot."""
    n = ck.cdp.evaluate("polyrepReport.setLayer(0); document.activeElement && document.activeElement.blur();"
                        " Number(document.getElementById('layer').max) + 1")
    for kind in ("keyDown", "keyUp"):
        ck.cdp.send("Input.dispatchKeyEvent", {"type": kind, "key": "ArrowRight", "code": "ArrowRight", "windowsVirtualKeyCode": 39})
    ck.cdp.wait_for("polyrepReport.layer === 1", 10, "layer slot 1 after ArrowRight")
    r = ck.cdp.evaluate("(() => { const r = document.getElementById('layer').getBoundingClientRect();"
                        " return {x: r.right - 2, y: r.top + r.height / 2}; })()")
    for slot, action in ((1, None), (n - 1, "click")):
        if action:
            ck.cdp.mouse("mousePressed", r["x"], r["y"], button="left", buttons=1, clickCount=1)
            ck.cdp.mouse("mouseReleased", r["x"], r["y"], button="left", buttons=0, clickCount=1)
            ck.cdp.wait_for("polyrepReport.layer === %d" % slot, 10, "layer slot %d after a click on the slider" % slot)
        drawn = {p: ck.cdp.evaluate("polyrepReport.drawnSlot('%s', %d)" % p) for p in PANELS}
        metas = [ck.cdp.evaluate("document.querySelector('%s .panel-meta').textContent" % selector(*p)) for p in PANELS]
        name = "embeddings" if expect["layers"][slot] == 0 else "layer %d" % expect["layers"][slot]
        how = "the slider" if action else "ArrowRight"
        if all(v == slot for v in drawn.values()) and all(t.startswith(name + " ·") for t in metas):
            ck.ok("%s moved all four panels to slot %d (%s)" % (how, slot, name))
        else:
            ck.fail("%s: panels drew slots %s, say %s; expected slot %d (%s)" % (how, drawn, metas, slot, name))
        check_geometry(ck, payload, cloud, slot)


def hover_in(ck, method, side, index):
    """Move the mouse onto point INDEX of a panel (zooming in while others cover it); the hovered point."""
    own = re.compile(r"#%d(?!\d)" % index)
    for _ in range(10):
        pos = position(ck, method, index, side)
        if not pos:
            raise CheckError("point %d has no screen position in panel %s of file %d" % (index, method, side))
        ck.cdp.mouse("mouseMoved", pos["x"], pos["y"])
        text = ck.cdp.wait_for(TOOLTIP_TEXT, 10, "the tooltip of point %d" % index)
        if own.search(text):
            break
        ck.cdp.mouse("mouseWheel", pos["x"], pos["y"], deltaX=0, deltaY=-400)
    return pos, ck.cdp.evaluate("polyrepReport.hovered()"), text


def marked_everywhere(ck, index, what):
    """Every panel's overlay has ink at the point and none 40 px beside it."""
    bad = []
    for m, side in PANELS:
        p = position(ck, m, index, side)
        at = ink(ck, m, side, p["x"], p["y"]) if p else 0
        beside = ink(ck, m, side, p["x"] + 40, p["y"], 8) if p else 0
        if not (at > 20 and beside == 0):
            bad.append("%s of file %d: %s ink pixels at the point, %s beside it" % (m, side, at, beside))
    if bad:
        ck.fail("%s: %s" % (what, "; ".join(bad)))
    else:
        ck.ok("%s: point %d marked in all four panels" % (what, index))


def check_hover_and_pin(ck, payload, expect):
    """Hovering a point in file 1's t-SNE panel marks the same point in every panel; clicking pins it there too."""
    index = expect["hover"]
    ck.cdp.mouse("mouseMoved", 3, 3)
    clean = all(ink_at(ck, m, s, index) == 0 for m, s in PANELS)
    pos, hovered, text = hover_in(ck, "tsne", 1, index)
    if not clean or not hovered or hovered["side"] != 1 or hovered["method"] != "tsne":
        ck.fail("hover in file 1's t-SNE panel: overlays clean before %s, hovered %r" % (clean, hovered))
        return
    index = hovered["index"]  # a point at exactly the same spot may win the tie
    ck.ok("hover in file 1's t-SNE panel on point %d: tooltip %r" % (index, " ".join(text.split())[:80]))
    marked_everywhere(ck, index, "hover")
    ck.cdp.mouse("mousePressed", pos["x"], pos["y"], button="left", buttons=1, clickCount=1)
    ck.cdp.mouse("mouseReleased", pos["x"], pos["y"], button="left", buttons=0, clickCount=1)
    ck.cdp.mouse("mouseMoved", 3, 3)
    ck.cdp.wait_for("polyrepReport.hovered() === null", 10, "the hover to end")
    info = ck.cdp.evaluate("(document.querySelector('#info .info-text') || {}).textContent")
    cloud = next(c for c in payload["clouds"] if c["name"] == "sentences")
    want = cloud["strings"][int.from_bytes(base64.b64decode(cloud["text"])[4 * index:4 * index + 4], "little")]
    if info == want:
        ck.ok("click pinned point %d: the info box shows its text" % index)
    else:
        ck.fail("click on point %d: the info box shows %r, expected %r" % (index, info, want))
    marked_everywhere(ck, index, "pin (mouse gone)")
    for kind in ("keyDown", "keyUp"):
        ck.cdp.send("Input.dispatchKeyEvent", {"type": kind, "key": "Escape", "code": "Escape", "windowsVirtualKeyCode": 27})


def check_legend(ck, payload, expect):
    """Hiding the first language in the legend hides its points in all four panels."""
    cloud = next(c for c in payload["clouds"] if c["name"] == "sentences")
    langs = base64.b64decode(cloud["lang"])
    hidden = sum(1 for i in range(cloud["count"]) if int.from_bytes(langs[2 * i:2 * i + 2], "little") == 0)
    left = expect["points"]["sentences"] - hidden
    r = ck.cdp.evaluate("(() => { const r = document.querySelector('.lg-item[data-idx=\"0\"] .lg-name').getBoundingClientRect();"
                        " return {x: r.left + 5, y: r.top + r.height / 2}; })()")
    for want in (left, expect["points"]["sentences"]):
        ck.cdp.mouse("mousePressed", r["x"], r["y"], button="left", buttons=1, clickCount=1)
        ck.cdp.mouse("mouseReleased", r["x"], r["y"], button="left", buttons=0, clickCount=1)
        expr = " && ".join("polyrepReport.drawnCount('%s', %d) === %d" % (m, s, want) for m, s in PANELS)
        try:
            ck.cdp.wait_for(expr, 10, "%d points in every panel" % want)
            ck.ok("legend click on %s: all four panels draw %d points" % (payload["languages"][0], want))
        except CheckError as e:
            ck.fail("legend click on %s: %s" % (payload["languages"][0], e))


def check_cka(ck, payload, expect):
    """The CKA the bar shows per layer is the payload's, and the payload's is numpy's from the two files."""
    got = payload["compare"]["cka"]["sentences"]
    worst = max(abs(a - b) for a, b in zip(got, expect["cka"]))
    if len(got) == len(expect["cka"]) and worst <= 1e-6:
        ck.ok("payload CKA %s = numpy's from the HDF5 files (within %.1e)" % (["%.4f" % v for v in got], worst))
    else:
        ck.fail("payload CKA %s, numpy %s" % (got, expect["cka"]))
    shown = ck.cdp.evaluate("Array.from(document.querySelectorAll('#compare-bar .cka-chip')).map((e) =>"
                            " [Number(e.dataset.slot), e.querySelector('.cka-value').textContent, e.classList.contains('cur')])")
    slot = ck.cdp.evaluate("polyrepReport.layer")
    bad = [s for s, (k, text, cur) in enumerate(shown)
           if k != s or not re.fullmatch(r"\d\.\d{4}", text) or abs(float(text) - got[s]) > 5.01e-5 or cur != (s == slot)]
    if len(shown) == len(got) and not bad:
        ck.ok("the CKA bar shows %s, the payload's to 4 decimals, slot %d marked" % ([t for _, t, _ in shown], slot))
    else:
        ck.fail("the CKA bar shows %s (slot %d current), payload %s" % (shown, slot, got))
    r = ck.cdp.evaluate("(() => { const r = document.querySelector('#compare-bar .cka-chip[data-slot=\"0\"]').getBoundingClientRect();"
                        " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()")
    ck.cdp.mouse("mousePressed", r["x"], r["y"], button="left", buttons=1, clickCount=1)
    ck.cdp.mouse("mouseReleased", r["x"], r["y"], button="left", buttons=0, clickCount=1)
    try:
        ck.cdp.wait_for("polyrepReport.layer === 0 && polyrepReport.drawnSlot('tsne', 1) === 0 &&"
                        " document.querySelector('#compare-bar .cka-chip.cur').dataset.slot === '0'", 10, "layer slot 0")
        ck.ok("a click on the CKA of slot 0 selected slot 0 in all panels")
    except CheckError as e:
        ck.fail("a click on the CKA of slot 0: %s" % e)


def check_compare(ck, payload, path):
    with open(path, encoding="utf-8") as f:
        expect = json.load(f)
    if "compare" not in payload:
        raise CheckError("the payload has no compare object")
    check_panels(ck, payload, expect)
    ck.cdp.evaluate("polyrepReport.setCloud('sentences')")
    check_slider(ck, payload, expect, "sentences")
    check_cka(ck, payload, expect)
    ck.cdp.evaluate("polyrepReport.setLayer(1)")
    check_hover_and_pin(ck, payload, expect)
    check_legend(ck, payload, expect)
