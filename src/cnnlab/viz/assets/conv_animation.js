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
  return { kernel: k, stride: s, padding: p, dilation: d, padded: padded(data.image, p), out: out,
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
    var input = marked(sc.padded, "input", "cnnlab-in", top, left, sc.fh, sc.fw, sc.dilation);
    var output = filling(sc.out, "output", state.step + 1, state.step);
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
