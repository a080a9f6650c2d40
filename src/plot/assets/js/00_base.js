/*
 * polyrep report viewer: offline, dependency-free. Reads the JSON payload that `polyrep plot`
 * embeds in <script type="application/json" id="polyrep-data"> (format polyrep-report/1,
 * src/plot/assets/PAYLOAD.md) and shows one cloud (sentences / tokens / types) at one layer in a
 * PCA and a t-SNE panel, and, for a clicked sentence, its attention maps beside them. A compare
 * report (plot --compare) shows a second file's PCA and t-SNE panels beside the first's.
 *
 * Modules (src/plot/assets/js, joined in name order by cmake/EmbedAssets.cmake inside one
 * `(function () { 'use strict'; ... })();`, so they share one scope and leak nothing):
 *   00_base      constants, test hooks, DOM and number helpers
 *   10_data      payload decoding: sentences, clouds (lazily dequantised layouts), hover grid,
 *                attention maps
 *   20_render_2d, 21_render_webgl   the two point renderers (same picture)
 *   30_panel     one scatter panel: canvases, view transform, pan/zoom, overlay, picking
 *   40_charts    explained-variance and KL line charts
 *   50_legend    language legend (show/hide/only)
 *   55_search    search box, match/translation styles and the draw lists
 *   60_inspect   tooltip and the pinned point's info box
 *   70_heatmap   attention heatmaps of the pinned sentence and its translations
 *   75_compare   compare reports: the second file's clouds and panels, the sentence CKA bar
 *   80_app       application state and wiring: header controls, cloud/layer changes, frames,
 *                hover and pin, keyboard
 *   85_hooks     the test hooks' implementations
 *   90_start     reads the payload and starts
 *
 * Rendering: WebGL2 when the browser offers a hardware context, else canvas 2D writing pixels into
 * an ImageData through a Uint32Array. Points are drawn in a seeded shuffled order (no language is
 * always on top); search matches and their translations are drawn last. Hover, pin and linked
 * brushing are drawn on a second (overlay) canvas so they never redraw the points.
 * URL option: ?renderer=2d or ?renderer=webgl forces a renderer (webgl then accepts software GL).
 *
 * Search semantics: case-insensitive substring over the cloud's display strings. With
 * "translations" on, points whose sentence has the same source_index as a matching point's
 * sentence (but is not itself a matching point's sentence) are emphasised in a second style
 * (rings). The toggle starts on for sentences and off for tokens (a common word would otherwise
 * mark nearly every token); types have no sentences, so it is disabled there. Pinning a point
 * (click) always marks its translations in the overlay: for a sentence, the other sentences with
 * its source_index (joined to it by lines); for a token, the tokens of those sentences.
 *
 * Attention (when the payload has "attention"): pinning a sentence, or a token (its sentence),
 * opens a panel beside the projections with the sentence's head-averaged attention map at the
 * current layer and the maps of its translations, one colour scale (viridis, 0 to the largest
 * weight shown). The slider is over stored hidden states; slot L shows transformer layer L, the
 * one that produced hidden state L; the embeddings (slot 0) have no attention, so there the first
 * layer's maps are shown, labelled as such.
 *
 * Test hooks (window.polyrepReport), used by tests/browser/report_check.py:
 *   ready                 true once the first frame is drawn; error: message when the payload is unusable
 *   cloud, layer          current cloud name and layer slot (read-only)
 *   renderer              'webgl' or '2d' (of the first panel with points)
 *   drawnCount(method, side)  points drawn in panel 'pca' | 'tsne' for the current layer: the points of
 *                         the visible languages (points panned off-screen still count); null if the
 *                         cloud has no such view. side: 0 (default) the file's panels, 1 a compare
 *                         report's second file's
 *   drawnSlot(method, side)   the layer slot that panel last drew its points for (-1: none yet)
 *   pathPoints(method, side)  points the panel's path line went through (a positions file of
 *                         `polyrep embeddings` joins consecutive positions), 0 without a path
 *   screenPosition(method, i, side)  {x, y} client coordinates of point i in that panel, or null when
 *                         the panel is absent, i's language is hidden or the point is outside the panel
 *   hovered()             {index, method, side} of the point under the mouse, or null
 *   setCloud(name), setLayer(slot)  switch and render synchronously; false if the value is invalid
 *   lastFrameMs           duration of the last frame that redrew points (for WebGL: submit time)
 *   frames                frames drawn so far
 *   attention()           the attention panel: null when closed, else {sentence, layer (transformer
 *                         layer shown), vmax, note, maps: [{sentence, lang, size}]} (sentence:
 *                         index into the payload's sentence table; maps: in the order shown)
 */

const HOVER_PX = 6;          // hover radius, CSS pixels
const TIE_PX = 0.75;         // candidates this close to the nearest are ranked by draw order
const SEED = 0x2545f491;
const METHODS = ['pca', 'tsne'];
const METHOD_NAME = { pca: 'PCA', tsne: 't-SNE' };

const hooks = {
  ready: false, error: null, renderer: null, lastFrameMs: 0, frames: 0,
  drawnCount: () => null, drawnSlot: () => null, pathPoints: () => null, hovered: () => null, screenPosition: () => null,
  setCloud: () => false, setLayer: () => false,
  attention: () => null
};
window.polyrepReport = hooks;

// ------------------------------------------------------------------ helpers
const $ = (id) => document.getElementById(id);

function h(tag, attrs, kids) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) {
    const v = attrs[k];
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'style') e.style.cssText = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of kids || []) if (c != null) e.append(c);
  return e;
}

function svgEl(tag, attrs, text) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const k in attrs) e.setAttribute(k, String(attrs[k]));
  if (text != null) e.textContent = text;
  return e;
}

const fmtInt = (n) => Number(n).toLocaleString('en-US');
const pct = (v, d) => (v * 100).toFixed(d) + '%';
const clamp = (v, lo, hi) => (v < lo ? lo : v > hi ? hi : v);
const kindOf = (c) => ({ sentences: 'sentence', tokens: 'token', types: 'type' })[c.name] || 'point';
const css = (rgb) => 'rgb(' + rgb[0] + ',' + rgb[1] + ',' + rgb[2] + ')';
