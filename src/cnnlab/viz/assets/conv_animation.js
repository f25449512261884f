/* Renderer of the sliding-kernel animation (cnnlab.viz.conv_animation): the padded input
   with the window outlined, the kernel, and the output filling in, one multiply-add per
   step. Every number comes from cnnlab as JSON; this script only lays them out. With
   data.dilations (a dilated kernel), outputs gain a fourth index and the kernel's taps sit
   d cells apart: the cells between them, which the window skips, are outlined with dashes. */
function scenario(state) {
  var k = data.kernels[state.kernel];
  var s = data.strides[state.stride], p = data.paddings[state.padding];
  var d = data.dilations ? data.dilations[state.dilation] : 1;
  var out = data.outputs[state.kernel][state.stride][state.padding];
  if (data.dilations) { out = out[state.dilation]; }
  var h = data.image.length, w = data.image[0].length;
  var padded = [];
  for (var r = 0; r < h + 2 * p; r++) {
    var row = [];
    for (var c = 0; c < w + 2 * p; c++) {
      var inside = r >= p && r < h + p && c >= p && c < w + p;
      row.push(inside ? { v: data.image[r - p][c - p], pad: false } : { v: "0", pad: true });
    }
    padded.push(row);
  }
  return { kernel: k, stride: s, padding: p, dilation: d, padded: padded, out: out,
           oh: out.length, ow: out.length ? out[0].length : 0,
           fh: k.cells.length, fw: k.cells[0].length,
           sh: d * (k.cells.length - 1) + 1, sw: d * (k.cells[0].length - 1) + 1 };
}

stepper({
  choices: [
    { label: "kernel", key: "kernel", options: data.kernels.map(function (k) { return k.name; }) },
    { label: "stride", key: "stride", options: data.strides },
    { label: "padding", key: "padding", options: data.paddings },
    { label: "dilation", key: "dilation", options: data.dilations || [1] }
  ],
  total: function (state) { var sc = scenario(state); return sc.oh * sc.ow; },
  describe: function (state) {
    var sc = scenario(state);
    return "Sliding-kernel animation: a " + data.image.length + "×" + data.image[0].length + " input, the " +
      sc.fh + "×" + sc.fw + " kernel " + sc.kernel.name + ", stride " + sc.stride + ", padding " + sc.padding + (sc.dilation > 1 ? ", dilation " + sc.dilation : "") +
      ", giving a " + sc.oh + "×" + sc.ow + " output";
  },
  draw: function (state) {
    var sc = scenario(state);
    var i = Math.floor(state.step / sc.ow), j = state.step % sc.ow;
    var top = i * sc.stride, left = j * sc.stride;
    var input = table(sc.padded.map(function (row) { return row.map(function (c) { return c.v; }); }),
                      "cnnlab-in", "input");
    sc.padded.forEach(function (row, r) {
      row.forEach(function (px, c) {
        var cls = px.pad ? ["pad"] : [];
        var dr = r - top, dc = c - left;
        if (dr >= 0 && dr < sc.sh && dc >= 0 && dc < sc.sw) {
          cls.push(dr % sc.dilation === 0 && dc % sc.dilation === 0 ? "win" : "gap");
        }
        cellAt(input, r, c).className = cls.join(" ");
      });
    });
    var output = table(sc.out.map(function (row) { return row.map(function () { return ""; }); }),
                       "cnnlab-out", "output");
    for (var n = 0; n <= state.step; n++) {
      var td = cellAt(output, Math.floor(n / sc.ow), n % sc.ow);
      td.textContent = sc.out[Math.floor(n / sc.ow)][n % sc.ow];
      td.className = n === state.step ? "filled current" : "filled";
    }
    var terms = [];
    for (var p = 0; p < sc.fh; p++) {
      for (var q = 0; q < sc.fw; q++) { terms.push(sc.padded[top + p * sc.dilation][left + q * sc.dilation].v + "×" + sc.kernel.terms[p][q]); }
    }
    var hw = sc.padded.length + "×" + sc.padded[0].length;
    return {
      view: [
        figure(input, "input " + hw + (sc.padding ? " (padding " + sc.padding + " drawn hatched)" : "")),
        el("span", { "class": "cnnlab-op", "aria-hidden": "true" }, "⋆"),
        figure(table(sc.kernel.cells, "cnnlab-kernel", "kernel"), "kernel " + sc.fh + "×" + sc.fw +
          (sc.dilation > 1 ? ", dilation " + sc.dilation + " (spans " + sc.sh + "×" + sc.sw + ")" : "")),
        el("span", { "class": "cnnlab-op", "aria-hidden": "true" }, "="),
        figure(output, "output " + sc.oh + "×" + sc.ow + ", stride " + sc.stride)
      ],
      expr: "out[" + i + ", " + j + "] = " + terms.join(" + ") + " = " + sc.out[i][j],
      status: "out[" + i + ", " + j + "] = " + sc.out[i][j] + ", window at rows " + top + "–" + (top + sc.sh - 1) +
        ", columns " + left + "–" + (left + sc.sw - 1) + (sc.dilation > 1 ? " (taps " + sc.dilation + " cells apart)" : "") + (sc.padding ? " of the padded input." : ".")
    };
  }
});
