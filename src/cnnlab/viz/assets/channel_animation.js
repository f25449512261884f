/* Renderer of the multi-channel animation (cnnlab.viz.channel_animation): the C channels of
   the input with the same window outlined on each, the current filter's C kernel slices and
   its bias, each channel's sum as it comes in, and one output map per filter filling in.
   Every number comes from cnnlab as JSON; this script only lays them out. */
var C = data.x.length, FN = data.filters.length;
var FH = data.filters[0].cells[0].length, FW = data.filters[0].cells[0][0].length;

function where(state) {
  var s = data.strides[state.stride], p = data.paddings[state.padding];
  var cs = data.cases[state.stride][state.padding];
  var oh = cs.out[0].length, ow = oh ? cs.out[0][0].length : 0;
  var per = oh * ow * (C + 1);
  var f = Math.floor(state.step / per), rest = state.step % per;
  var cell = Math.floor(rest / (C + 1));
  return { s: s, p: p, cs: cs, oh: oh, ow: ow, f: f, cell: cell, phase: rest % (C + 1),
           i: Math.floor(cell / ow), j: cell % ow };
}
function shape(a, b, c) { return a + "×" + b + "×" + c; }

stepper({
  choices: [
    { label: "stride", key: "stride", options: data.strides },
    { label: "padding", key: "padding", options: data.paddings }
  ],
  total: function (state) { var w = where(state); return FN * w.oh * w.ow * (C + 1); },
  describe: function (state) {
    var w = where(state);
    return "Multi-channel convolution animation: a " + shape(C, data.x[0].length, data.x[0][0].length) +
      " input and " + FN + " filter" + (FN > 1 ? "s" : "") + " of shape " + shape(C, FH, FW) + ", stride " + w.s +
      ", padding " + w.p + ", giving an output of shape " + shape(FN, w.oh, w.ow);
  },
  draw: function (state) {
    var w = where(state), f = w.f, top = w.i * w.s, left = w.j * w.s;
    var filt = data.filters[f], done = w.phase === C;
    var inputs = el("div", { "class": "cnnlab-stack" });
    var slices = el("div", { "class": "cnnlab-stack" });
    var sums = [];
    data.x.forEach(function (rows, ch) {
      var cells = padded(rows, w.p);
      var t = marked(cells, "input channel " + ch, "cnnlab-in", top, left, FH, FW);
      var fig = figure(t, "channel " + ch);
      if (ch === w.phase) { fig.className = "now"; }
      inputs.appendChild(fig);
      var k = figure(table(filt.cells[ch], "cnnlab-kernel", "filter " + f + ", slice " + ch), "slice " + ch);
      if (ch === w.phase) { k.className = "now"; }
      slices.appendChild(k);
      var share = w.cs.shares[f][ch][w.i][w.j];
      sums.push(ch <= w.phase ? share : "?");
    });
    slices.appendChild(figure(el("div", { "class": "cnnlab-bias" }, data.bias[f]), "bias"));
    var outs = el("div", { "class": "cnnlab-stack" });
    var cells = w.oh * w.ow;
    w.cs.out.forEach(function (rows, g) {
      var count = g < f ? cells : g > f ? 0 : w.cell + (done ? 1 : 0);
      var t = filling(rows, "output map " + g, count, g === f && done ? w.cell : -1);
      outs.appendChild(figure(t, "map " + g + (g === f ? " (filter " + g + ")" : "")));
    });
    var ijs = "[" + f + ", " + w.i + ", " + w.j + "]";
    var expr;
    if (done) {
      var parts = sums.map(function (v) { return v.charAt(0) === "−" ? "(" + v + ")" : v; });
      expr = "out" + ijs + " = " + parts.join(" + ") + " + " + data.biasTerms[f] + " = " + w.cs.out[f][w.i][w.j];
    } else {
      var terms = [];
      var cellsIn = padded(data.x[w.phase], w.p);
      for (var a = 0; a < FH; a++) {
        for (var b = 0; b < FW; b++) { terms.push(cellsIn[top + a][left + b].v + "×" + filt.terms[w.phase][a][b]); }
      }
      expr = "channel " + w.phase + ": " + terms.join(" + ") + " = " + sums[w.phase];
    }
    var sumText = "channel sums " + sums.join(", ") + "; bias " + data.bias[f];
    return {
      view: [
        figure(inputs, "input " + shape(C, data.x[0].length + 2 * w.p, data.x[0][0].length + 2 * w.p) +
               (w.p ? " (padding " + w.p + " hatched)" : "")),
        el("span", { "class": "cnnlab-op", "aria-hidden": "true" }, "⋆"),
        figure(slices, "filter " + f + " of " + FN + ": " + shape(C, FH, FW) + ", one slice per channel"),
        el("span", { "class": "cnnlab-op", "aria-hidden": "true" }, "="),
        figure(outs, "output " + shape(FN, w.oh, w.ow) + ": one map per filter"),
        el("p", { "class": "cnnlab-sums" }, sumText)
      ],
      expr: expr,
      status: done ? "out" + ijs + " = " + w.cs.out[f][w.i][w.j] + ": the channel sums plus the bias."
                   : "Filter " + f + ", channel " + w.phase + " of out" + ijs + ": " + sums[w.phase] + "."
    };
  }
});
