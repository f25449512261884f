/* Renderer of the backward-pass animations (cnnlab.viz.backprop_animation): a row of grids
   (panels) and, for each step, the grids that changed and the cells to mark. Every number
   and every frame comes from cnnlab as JSON; this script only lays them out. */
function currentMode(state) {
  var index = 0;
  data.choices.forEach(function (c) { index = index * c.options.length + state[c.key]; });
  return data.modes[index];
}

stepper({
  choices: data.choices,
  total: function (state) { return currentMode(state).steps.length; },
  describe: function (state) { return currentMode(state).describe; },
  draw: function (state) {
    var m = currentMode(state), st = m.steps[state.step], tables = [], view = [];
    m.panels.forEach(function (p, k) {
      var cells = (st.grids && st.grids[String(k)]) || p.cells;
      var t = table(cells, "cnnlab-bp-" + p.cls, p.label, p.origin);  /* origin: a padded grid counts from -p */
      tables.push(t);
      view.push(figure(t, p.caption));
      if (k < m.ops.length) { view.push(el("span", { "class": "cnnlab-op", "aria-hidden": "true" }, m.ops[k])); }
    });
    st.marks.forEach(function (mark) { cellAt(tables[mark[0]], mark[1], mark[2]).classList.add(mark[3]); });
    return { view: view, expr: st.expr, status: st.status };
  }
});
