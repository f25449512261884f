/* Sliding-kernel animation of CNN Lab. The Python side (cnnlab.viz.animation) computes
   every number with cnnlab and embeds them as JSON next to this script; this script only
   draws them. It finds its own container through document.currentScript, so the page
   needs no element ids and several animations can share one page. */
(function () {
  "use strict";
  var root = document.currentScript.parentNode;
  if (root.getAttribute("data-ready")) { return; }
  root.setAttribute("data-ready", "1");
  var data = JSON.parse(root.querySelector("script.cnnlab-anim-data").textContent);
  var state = { kernel: 0, stride: 0, padding: 0, step: 0, timer: null };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function table(rows, cls, label) {
    var t = el("table", { "class": cls, "aria-label": label });
    rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (v) { tr.appendChild(el("td", {}, v)); });
      t.appendChild(tr);
    });
    return t;
  }
  function figure(content, caption) {
    var f = el("figure");
    f.appendChild(content);
    f.appendChild(el("figcaption", {}, caption));
    return f;
  }

  function scenario() {
    var k = data.kernels[state.kernel];
    var s = data.strides[state.stride], p = data.paddings[state.padding];
    var out = data.outputs[state.kernel][state.stride][state.padding];
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
    return { kernel: k, stride: s, padding: p, padded: padded, out: out,
             oh: out.length, ow: out.length ? out[0].length : 0 };
  }

  var grids = el("div", { "class": "cnnlab-grids" });
  var expr = el("div", { "class": "cnnlab-expr", "aria-live": "polite" });
  var status = el("div", { "class": "cnnlab-status" });
  var controls = el("div", { "class": "cnnlab-controls" });
  var slider = el("input", { type: "range", min: "0", value: "0", "aria-label": "Step" });

  function button(action, symbol, label) {
    var b = el("button", { type: "button", "data-action": action, "aria-label": label, title: label }, symbol);
    controls.appendChild(b);
    return b;
  }
  button("first", "|◀", "First step");
  button("back", "◀", "Step back");
  var play = button("play", "Play", "Play");
  button("next", "▶", "Step forward");
  button("last", "▶|", "Last step");
  controls.appendChild(slider);

  function selector(name, key, options) {
    if (options.length < 2) { return; }
    var label = el("label", {}, name + " ");
    var sel = el("select", { "data-choice": key });
    options.forEach(function (o, i) { sel.appendChild(el("option", { value: String(i) }, String(o))); });
    sel.addEventListener("change", function () {
      state[key] = Number(sel.value);
      state.step = 0;
      stop();
      draw();
    });
    label.appendChild(sel);
    controls.appendChild(label);
  }
  selector("kernel", "kernel", data.kernels.map(function (k) { return k.name; }));
  selector("stride", "stride", data.strides);
  selector("padding", "padding", data.paddings);

  function draw() {
    var sc = scenario();
    var total = sc.oh * sc.ow;
    state.step = Math.max(0, Math.min(state.step, total - 1));
    var i = Math.floor(state.step / sc.ow), j = state.step % sc.ow;
    var top = i * sc.stride, left = j * sc.stride;
    var fh = sc.kernel.cells.length, fw = sc.kernel.cells[0].length;

    var input = table(sc.padded.map(function (row) { return row.map(function (c) { return c.v; }); }),
                      "cnnlab-in", "input");
    sc.padded.forEach(function (row, r) {
      row.forEach(function (cell, c) {
        var td = input.rows[r].cells[c];
        var cls = cell.pad ? ["pad"] : [];
        if (r >= top && r < top + fh && c >= left && c < left + fw) { cls.push("win"); }
        td.className = cls.join(" ");
      });
    });
    var output = table(sc.out.map(function (row) { return row.map(function () { return ""; }); }),
                       "cnnlab-out", "output");
    for (var n = 0; n <= state.step; n++) {
      var td = output.rows[Math.floor(n / sc.ow)].cells[n % sc.ow];
      td.textContent = sc.out[Math.floor(n / sc.ow)][n % sc.ow];
      td.className = n === state.step ? "filled current" : "filled";
    }
    var hw = sc.padded.length + "×" + sc.padded[0].length;
    grids.replaceChildren(
      figure(input, "input " + hw + (sc.padding ? " (padding " + sc.padding + " drawn hatched)" : "")),
      el("span", { "class": "cnnlab-op", "aria-hidden": "true" }, "⋆"),
      figure(table(sc.kernel.cells, "cnnlab-kernel", "kernel"), "kernel " + fh + "×" + fw),
      el("span", { "class": "cnnlab-op", "aria-hidden": "true" }, "="),
      figure(output, "output " + sc.oh + "×" + sc.ow + ", stride " + sc.stride));

    var terms = [];
    for (var p = 0; p < fh; p++) {
      for (var q = 0; q < fw; q++) {
        terms.push(sc.padded[top + p][left + q].v + "×" + sc.kernel.terms[p][q]);
      }
    }
    expr.textContent = "out[" + i + ", " + j + "] = " + terms.join(" + ") + " = " + sc.out[i][j];
    status.textContent = "Step " + (state.step + 1) + " of " + total +
      ": window at rows " + top + "–" + (top + fh - 1) + ", columns " + left + "–" + (left + fw - 1) +
      " of the " + (sc.padding ? "padded " : "") + "input.";
    slider.max = String(total - 1);
    slider.value = String(state.step);
  }

  function go(step) { state.step = step; draw(); }
  function total() { var sc = scenario(); return sc.oh * sc.ow; }
  function stop() {
    if (state.timer !== null) { clearInterval(state.timer); state.timer = null; }
    play.textContent = "Play"; play.setAttribute("aria-label", "Play"); play.title = "Play";
  }
  function start() {
    if (state.step >= total() - 1) { go(0); }
    state.timer = setInterval(function () {
      if (state.step >= total() - 1) { stop(); } else { go(state.step + 1); }
    }, data.interval);
    play.textContent = "Pause"; play.setAttribute("aria-label", "Pause"); play.title = "Pause";
  }
  function act(action) {
    if (action === "play") { if (state.timer === null) { start(); } else { stop(); } return; }
    stop();
    if (action === "first") { go(0); }
    if (action === "back") { go(state.step - 1); }
    if (action === "next") { go(state.step + 1); }
    if (action === "last") { go(total() - 1); }
  }

  controls.addEventListener("click", function (e) {
    var b = e.target.closest("button");
    if (b) { act(b.getAttribute("data-action")); }
  });
  slider.addEventListener("input", function () { stop(); go(Number(slider.value)); });
  root.addEventListener("keydown", function (e) {
    var tag = e.target.tagName;
    if (tag === "SELECT" || tag === "INPUT") { return; }
    var keys = { ArrowRight: "next", ArrowLeft: "back", Home: "first", End: "last" };
    if (keys[e.key]) { act(keys[e.key]); e.preventDefault(); }
    if ((e.key === " " || e.key === "k") && tag !== "BUTTON") { act("play"); e.preventDefault(); }
  });

  var body = root.querySelector(".cnnlab-anim-body");
  body.replaceChildren(grids, expr, status, controls);
  draw();
})();
