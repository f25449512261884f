/* Renderer of the block diagram (cnnlab.viz.conv_blocks): input, filter bank and output as
   3-D boxes (oblique view: width to the right, height down, depth into the page) and labels
   with the exact numbers. Every size (height, width, channels, filters) is drawn on one
   logarithmic scale, side(n): each doubling adds STEP pixels, so 224 and 112 differ by one
   step and 1 and 230 both fit without a cap. The depth that must match (the input's C, each
   filter's C) is drawn in one colour, the number of filters and the output's depth (FN) in
   another. The picture's viewBox is fitted to what was drawn. outSize is the only formula
   computed here; the tests hold it equal to cnnlab.conv_output_size. */
var NS = "http://www.w3.org/2000/svg";
var STEP = 12;
function outSize(n, k, s, p) {
  var span = n + 2 * p - k;
  return span < 0 ? null : Math.floor(span / s) + 1;
}
function side(n) { return 8 + STEP * Math.log2(n); }  /* log scale: side(2n) = side(n) + STEP */
window.cnnlabBlocks = { outSize: outSize, side: side };

function svg(tag, attrs, text) {
  var node = document.createElementNS(NS, tag);
  Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
  if (text !== undefined) { node.textContent = text; }
  return node;
}
var bounds;
function reach(x0, y0, x1, y1) {
  bounds = [Math.min(bounds[0], x0), Math.min(bounds[1], y0), Math.max(bounds[2], x1), Math.max(bounds[3], y1)];
}
function box(g, x, y, w, h, d, cls, depthCls) {
  /* A cuboid with its front face at (x, y), w wide and h high, and depth d drawn up-right. */
  var dx = d * 0.6, dy = -d * 0.45;
  reach(x, y + dy, x + w + dx, y + h);
  g.appendChild(svg("polygon", { "class": "face top " + cls,
    points: [x, y, x + dx, y + dy, x + w + dx, y + dy, x + w, y].join(" ") }));
  g.appendChild(svg("polygon", { "class": "face side " + cls,
    points: [x + w, y, x + w + dx, y + dy, x + w + dx, y + h + dy, x + w, y + h].join(" ") }));
  g.appendChild(svg("rect", { "class": "face " + cls, x: x, y: y, width: w, height: h }));
  g.appendChild(svg("line", { "class": "depth " + depthCls, x1: x, y1: y, x2: x + dx, y2: y + dy }));
  return { right: x + w + dx, top: y + dy };
}
function label(g, x, y, text, cls) {
  /* A text whose extent is estimated from its length: 13 px letters, 26 px for the operators. */
  var size = cls === "op" ? 26 : 13;
  reach(x, y - size, x + 0.6 * size * text.length, y + 4);
  g.appendChild(svg("text", { x: x, y: y, "class": cls || "" }, text));
}

var v = {};
Object.keys(data.start).forEach(function (k) { v[k] = data.start[k]; });
var picture = el("div", { "class": "cnnlab-picture" });
var formula = el("p", { "class": "cnnlab-formula" });
var note = el("p", { "class": "cnnlab-note" },
  "Sizes are drawn on a log scale: each doubling adds the same length, so a side of 224 is one step longer than 112, " +
  "not twice as long. The labels give the exact numbers.");
var status = el("p", { "class": "cnnlab-status", role: "status", "aria-live": "polite" });
var controls = el("div", { "class": "cnnlab-controls" });
Object.keys(data.options).forEach(function (key) {
  var lab = el("label", {}, data.names[key] + " ");
  var sel = el("select", { "data-choice": key });
  data.options[key].forEach(function (o) {
    var opt = el("option", { value: String(o) }, String(o));
    if (o === v[key]) { opt.selected = true; }
    sel.appendChild(opt);
  });
  sel.addEventListener("change", function () { v[key] = Number(sel.value); draw(); });
  lab.appendChild(sel);
  controls.appendChild(lab);
});

function draw() {
  var o = outSize(v.H, v.K, v.S, v.P);
  var shapes = {
    input: v.N + "×" + v.C + "×" + v.H + "×" + v.H,
    filters: v.FN + "×" + v.C + "×" + v.K + "×" + v.K,
    output: o === null ? "none" : v.N + "×" + v.FN + "×" + o + "×" + o
  };
  var g = svg("svg", { role: "img",
    "aria-label": "Input " + shapes.input + ", filters " + shapes.filters + ", output " + shapes.output });
  var base = 190, x = 16;
  bounds = [x, base, x, base];
  /* input: N copies, at most 3 drawn */
  var s = side(v.H), d = side(v.C);
  var copies = Math.min(v.N, 3), end = null;
  for (var b = copies - 1; b >= 0; b--) { end = box(g, x + b * 10, base - s - b * 10, s, s, d, "in", "c"); }
  label(g, x, base + 18, "input (N, C, H, W)", "name");
  label(g, x, base + 36, shapes.input, "shape");
  label(g, x + s + d * 0.6 + 22, base - s - d * 0.45 + 12, "C = " + v.C, "c");
  x = Math.max(x + s + d * 0.6 + 20 * copies, x + 150) + 20;
  label(g, x, base - 60, "⋆", "op");
  x += 30;
  /* filter bank: FN filters, at most 4 drawn */
  var fs = side(v.K), fd = d, shown = Math.min(v.FN, 4), step = Math.min(fs + 12, 150 / shown);
  for (var f = 0; f < shown; f++) { box(g, x + f * 8, base - fs - (shown - 1 - f) * step, fs, fs, fd, "filter", "c"); }
  if (v.FN > shown) { label(g, x + fs + fd * 0.6 + 40, base - fs, "… " + (v.FN - shown) + " more", "shape"); }
  label(g, x, base + 18, "filters (FN, C, FH, FW)", "name");
  label(g, x, base + 36, shapes.filters + ", bias (" + v.FN + ",)", "shape");
  label(g, x + fs + fd * 0.6 + 34, base - 2, "FN = " + v.FN, "fn");
  label(g, x + fs + fd * 0.6 + 16, base - fs - (shown - 1) * step - fd * 0.45 + 4, "each C = " + v.C + " deep", "c");
  x = Math.max(x + fs + fd * 0.6 + 110, x + 190);
  label(g, x, base - 60, "=", "op");
  x += 30;
  if (o === null) {
    label(g, x, base - 60, "no output: the kernel is larger than the padded input", "bad");
  } else {
    var os = side(o), od = side(v.FN);
    for (b = copies - 1; b >= 0; b--) { box(g, x + b * 10, base - os - b * 10, os, os, od, "out", "fn"); }
    label(g, x + os + od * 0.6 + 22, base - os - od * 0.45 + 12, "FN = " + v.FN, "fn");
  }
  label(g, x, base + 18, "output (N, FN, OH, OW)", "name");
  label(g, x, base + 36, shapes.output, "shape");
  var m = 8, w = bounds[2] - bounds[0] + 2 * m, h = bounds[3] - bounds[1] + 2 * m;
  g.setAttribute("viewBox", [bounds[0] - m, bounds[1] - m, w, h].map(Math.round).join(" "));
  g.setAttribute("width", Math.round(w));
  g.setAttribute("height", Math.round(h));
  picture.replaceChildren(g);
  formula.textContent = o === null
    ? "OH = ⌊(" + v.H + " + 2·" + v.P + " − " + v.K + ") / " + v.S + "⌋ + 1 is undefined: " + v.H + " + 2·" + v.P + " < " + v.K + "."
    : "OH = OW = ⌊(" + v.H + " + 2·" + v.P + " − " + v.K + ") / " + v.S + "⌋ + 1 = " + o +
      ". Parameters: FN·(C·FH·FW + 1) = " + v.FN + "·(" + v.C + "·" + v.K + "·" + v.K + " + 1) = " +
      (v.FN * (v.C * v.K * v.K + 1)) + ".";
  status.textContent = "Input " + shapes.input + ", filters " + shapes.filters + ", output " + shapes.output + ".";
  root.setAttribute("aria-label", "Block diagram of a convolution: " + status.textContent);
}
root.querySelector(".cnnlab-body").replaceChildren(picture, note, formula, status, controls);
draw();
