/* Renderer of the pooling animation (cnnlab.viz.pool_animation): the input with the window
   outlined; for max pooling only the window's arg-max is filled, since it alone reaches the
   output, for average pooling every cell of the window, with its sum and count ("≈" where the
   mean's label is rounded); and the output filling in. Cells no window reads are struck
   through. Every number comes from cnnlab as JSON; this script only lays them out. */
function setting(state) {
  var st = data.settings[state.setting], mode = data.modes[state.mode];
  var out = mode === "max" ? st.max : st.avg;
  return { st: st, mode: mode, out: out, oh: out.length, ow: out.length ? out[0].length : 0 };
}

stepper({
  choices: [
    { label: "pooling", key: "mode", options: data.modes },
    { label: "window", key: "setting", options: data.settings.map(function (s) { return s.label; }) }
  ],
  total: function (state) { var sc = setting(state); return sc.oh * sc.ow; },
  describe: function (state) {
    var sc = setting(state);
    return "Pooling animation: " + sc.mode + " pooling of a " + data.x.length + "×" + data.x[0].length +
      " input, window " + sc.st.label + ", giving a " + sc.oh + "×" + sc.ow + " output";
  },
  draw: function (state) {
    var sc = setting(state), st = sc.st, p = st.p;
    var i = Math.floor(state.step / sc.ow), j = state.step % sc.ow;
    var top = i * st.s, left = j * st.s, win = st.windows[state.step];
    var cells = padded(data.x, p, sc.mode === "max" ? "−∞" : "0");
    var input = marked(cells, "input", "cnnlab-in", top, left, st.k, st.k);
    st.unread.forEach(function (rc) { cellAt(input, rc[0] + p, rc[1] + p).classList.add("unread"); });
    var value = sc.out[i][j], how;
    var is = sc.mode === "max" || win[4] ? " = " : " ≈ ";  /* a mean rounded to its label is not equal to it */
    if (sc.mode === "max") {
      input.classList.add("cnnlab-argmax");
      cellAt(input, win[0] + p, win[1] + p).classList.add("best");
      how = "the largest, at row " + win[0] + ", column " + win[1] + " of the input";
    } else {
      how = "sum " + win[2] + " over " + win[3] + " cells";
    }
    var output = filling(sc.out, "output", state.step + 1, state.step);
    var name = sc.mode === "max" ? "max" : "mean";
    return {
      view: [
        figure(input, "input " + data.x.length + "×" + data.x[0].length +
               (p ? ", padding " + p + " hatched" : "") + (st.unread.length ? "; struck-through cells are never read" : "")),
        el("span", { "class": "cnnlab-op", "aria-hidden": "true" }, "→"),
        figure(output, sc.mode + " pooling, " + st.label + ": " + sc.oh + "×" + sc.ow)
      ],
      expr: "out[" + i + ", " + j + "] = " + name + " of the window = " +
            (sc.mode === "max" ? value : win[2] + " / " + win[3] + is + value),
      status: "out[" + i + ", " + j + "]" + is + value + ": " + how + "."
    };
  }
});
