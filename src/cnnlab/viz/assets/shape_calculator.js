/* The shape calculator (cnnlab.viz.shape_calculator): a convolution's output size from the
   reader's numbers, with the formula written out, the cells the windows read, what goes
   wrong and why, and the same layer in other conventions. report() is the one formula; its
   Python twin, cnnlab.viz.shape_calculator.axis_report, is held equal to it by the tests. */
function wholeNumber(text) {
  var t = String(text).trim();
  return /^[0-9]+$/.test(t) ? Number(t) : null;
}
function paddingSpec(text) {
  var t = String(text).trim().toLowerCase().replace(/^['"]|['"]$/g, "");
  return t === "valid" || t === "same" ? t : wholeNumber(t);
}
function tfPadding(n, f, s, d) {
  var total = Math.max((Math.ceil(n / s) - 1) * s + d * (f - 1) + 1 - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}
function report(n, f, s, p, d) {
  var span = d * (f - 1) + 1, half = Math.floor(d * (f - 1) / 2);
  var pad = p === "valid" ? [0, 0] : p === "same" ? [half, d * (f - 1) - half] : [p, p];
  var r = { span: span, error: null, out: null, coverage: [], unread: [], dropped: 0, empty: 0,
            tf_same: { out: Math.ceil(n / s), pad: tfPadding(n, f, s, d) },
            tf_valid: span <= n ? Math.ceil((n - span + 1) / s) : null,
            pad: pad, padded: n + pad[0] + pad[1] };
  if (p === "same" && s !== 1) { r.error = "same_stride"; }
  if (span > r.padded && !r.error) { r.error = "too_large"; }
  if (r.error) { return r; }
  r.out = Math.floor((r.padded - span) / s) + 1;
  r.dropped = (r.padded - span) % s;
  for (var i = 0; i < n; i++) { r.coverage.push(0); }
  for (var w = 0; w < r.out; w++) {
    var touches = false;
    for (var t = 0; t < f; t++) {
      var at = w * s + t * d - pad[0];
      if (at >= 0 && at < n) { r.coverage[at] += 1; touches = true; }
    }
    if (!touches) { r.empty += 1; }
  }
  r.unread = r.coverage.map(function (c, k) { return c === 0 ? k : -1; }).filter(function (k) { return k >= 0; });
  return r;
}
window.cnnlabShapes = { report: report, paddingSpec: paddingSpec };

function listText(xs) {
  if (xs.length < 2) { return String(xs[0]); }
  return xs.slice(0, -1).join(", ") + " and " + xs[xs.length - 1];
}
function capital(text) { return text.charAt(0).toUpperCase() + text.slice(1); }
function plural(k, word) { return k + " " + word + (k === 1 ? "" : "s"); }

(function () {
  var fields = [["h", "height H"], ["w", "width W"], ["kernel", "kernel f"], ["stride", "stride s"],
                ["padding", "padding p"], ["dilation", "dilation d"]];
  var inputs = {};
  var form = el("div", { "class": "cnnlab-calc-inputs" });
  fields.forEach(function (fd) {
    var label = el("label", {}, fd[1] + " ");
    var box = el("input", { type: "text", inputmode: fd[0] === "padding" ? "text" : "numeric",
                            size: fd[0] === "padding" ? "6" : "4", value: String(data[fd[0]]), "data-field": fd[0],
                            spellcheck: "false", autocomplete: "off" });
    if (fd[0] === "padding") { box.setAttribute("title", "a number per side, valid or same"); }
    label.appendChild(box);
    form.appendChild(label);
    inputs[fd[0]] = box;
  });
  var help = el("p", { "class": "cnnlab-calc-help" },
    "Padding: a number of cells per side (PyTorch's padding=), valid or same. Arrow up and down change a number.");
  var result = el("p", { "class": "cnnlab-calc-result", role: "status", "aria-live": "polite" });
  var formula = el("div", { "class": "cnnlab-calc-formula" });
  var notes = el("ul", { "class": "cnnlab-calc-notes" });
  var conventions = el("div", { "class": "cnnlab-calc-conv" });
  var grid = el("div", { "class": "cnnlab-calc-grid" });

  function read() {
    var v = {}, bad = [];
    fields.forEach(function (fd) {
      var key = fd[0], raw = inputs[key].value;
      var x = key === "padding" ? paddingSpec(raw) : wholeNumber(raw);
      if (x === null || (key !== "padding" && x < 1)) {
        bad.push(fd[1].split(" ")[0] + (key === "padding"
          ? " must be a whole number of cells per side (0 or more), valid or same"
          : " must be a whole number of at least 1") + ", not “" + raw + "”.");
      }
      v[key] = x;
    });
    return { v: v, bad: bad };
  }

  function formulaText(n, f, s, p, d, r) {
    var eq = r.pad[0] === r.pad[1];
    var symbolic = "⌊(n + " + (eq ? "2p" : "p_before + p_after") + " − " + (d === 1 ? "f" : "(d(f − 1) + 1)") +
      ") / s⌋ + 1";
    var pads = eq ? "2×" + r.pad[0] : r.pad[0] + " + " + r.pad[1];
    var kern = d === 1 ? String(f) : "(" + d + "×(" + f + " − 1) + 1)";
    var top = r.padded - r.span;
    var text = symbolic + " = ⌊(" + n + " + " + pads + " − " + kern + ") / " + s + "⌋ + 1 = ⌊" +
      String(top).replace("-", "−") + " / " + s + "⌋ + 1";
    if (top < 0) { return text + ": negative, so no window fits."; }
    return text + " = " + Math.floor(top / s) + " + 1 = " + (Math.floor(top / s) + 1);
  }

  function axisNotes(n, f, s, p, d, r, nouns, both) {
    var where = function (ks) {  /* "Row 7 and column 7 are", "Columns 5 and 7 are", "Row 3 is" */
      var one = function (word) { return (ks.length === 1 ? word : word + "s") + " " + listText(ks); };
      return capital(both ? one("row") + " and " + one("column") + " are" : one(nouns.slice(0, -1)) + (ks.length === 1 ? " is" : " are"));
    };
    var out = [], span = d === 1 ? "" : " (dilation " + d + ": d(f − 1) + 1 = " + r.span + " cells)";
    if (p === "same") {
      out.push("'same' pads d(f − 1) = " + (r.pad[0] + r.pad[1]) + " cells along the " + nouns + ": " +
        r.pad[0] + " before and " + r.pad[1] + " after" +
        (r.pad[0] !== r.pad[1] ? " (an odd total: the extra cell goes after, as in PyTorch)." : "."));
    }
    if (r.error === "same_stride") {
      out.push("'same' with stride " + s + " is refused by PyTorch: a stride of " + s + " keeps one window in " + s +
        ", so no padding keeps " + n + " " + nouns + ". TensorFlow/Keras 'SAME' allows it and gives ceil(" +
        n + " / " + s + ") = " + r.tf_same.out + " " + nouns + " (padding " + r.tf_same.pad[0] + " before, " +
        r.tf_same.pad[1] + " after). In PyTorch pass a number instead, e.g. padding=" + Math.floor(d * (f - 1) / 2) + ".");
      return out;
    }
    if (r.error === "too_large") {
      out.push("The kernel spans " + r.span + " cells" + span + ", but the padded input has only " + r.padded + " " +
        nouns + " (" + n + " + " + r.pad[0] + " + " + r.pad[1] + "): not one window fits, and PyTorch raises an error. " +
        "Use a kernel of at most " + (Math.floor((r.padded - 1) / d) + 1) + (d > 1 ? ", a smaller dilation" : "") +
        ", or padding of at least " + Math.ceil((r.span - n) / 2) + " per side.");
      return out;
    }
    var lastRead = r.coverage.length - 1;
    while (lastRead >= 0 && r.coverage[lastRead] === 0) { lastRead -= 1; }
    var end = r.unread.filter(function (k) { return k > lastRead; });
    var middle = r.unread.filter(function (k) { return k < lastRead; });
    if (end.length) {
      out.push(where(end) + " never read: n + 2p − span = " + r.padded + " − " + r.span + " = " + (r.padded - r.span) +
        " is not a multiple of the stride " + s + ", so the last window stops " + plural(r.dropped, "cell") +
        " short of the padded edge. The floor in the formula drops them.");
    }
    if (middle.length) {
      out.push(where(middle) + " never read: the stride " + s +
        " steps over cells that no tap of the kernel lands on" + (d > 1 ? " (the dilation leaves gaps between the taps)." : "."));
    }
    if (r.dropped && !end.length) {
      out.push("The last window stops " + plural(r.dropped, "cell") + " short of the padded edge along the " + nouns +
        ", but only padding is left out: every input cell is still read.");
    }
    if (r.empty) {
      out.push(plural(r.empty, "window") + " along the " + nouns + " read nothing but padding (padding " +
        Math.max(r.pad[0], r.pad[1]) + " reaches past the window's span of " + r.span + "): their outputs hold only the bias. " +
        "Full padding, p = d(f − 1) = " + d * (f - 1) + ", is the most that still lets every window touch the input.");
    }
    return out;
  }

  function conventionRows(n, f, s, p, d, r) {
    var pt = p === "same" || p === "valid" ? "'" + p + "'" : String(p);
    var size = function (x) { return x === null ? "no window fits" : String(x); };
    var total = r.pad[0] + r.pad[1];
    return [
      ["PyTorch / cnnlab, padding=" + pt + " (cells per side)", r.error === "same_stride" ? "refused (stride > 1)" :
        size(r.out) + " (pads " + r.pad[0] + " + " + r.pad[1] + ")"],
      ["Texts that count the total padding, P = " + total, r.error ? size(null) :
        "⌊(" + n + " + " + total + " − " + r.span + ") / " + s + "⌋ + 1 = " + r.out],
      ["TensorFlow/Keras 'SAME': ceil(n / s)", r.tf_same.out + " (pads " + r.tf_same.pad[0] + " + " + r.tf_same.pad[1] + ")"],
      ["TensorFlow/Keras 'VALID' (no padding)", r.tf_valid === null ? "error: kernel larger than input" : String(r.tf_valid)]
    ];
  }

  function coverageGrid(v, rows, cols) {
    var t = el("table", { "class": "cnnlab-cover", "aria-label": "windows reading each cell" });
    var head = el("tr");
    head.appendChild(el("td", { "class": "corner" }));
    var colLabel = function (c) { var k = c - cols.pad[0]; return k >= 0 && k < v.w ? String(k) : "p"; };
    for (var c = 0; c < cols.padded; c++) { head.appendChild(el("th", { scope: "col" }, colLabel(c))); }
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    var full = Math.max.apply(null, rows.coverage) * Math.max.apply(null, cols.coverage);
    for (var r = 0; r < rows.padded; r++) {
      var k = r - rows.pad[0], tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, k >= 0 && k < v.h ? String(k) : "p"));
      for (c = 0; c < cols.padded; c++) {
        var m = c - cols.pad[0];
        if (k < 0 || k >= v.h || m < 0 || m >= v.w) { tr.appendChild(el("td", { "class": "pad" }, "")); continue; }
        var count = rows.coverage[k] * cols.coverage[m];
        tr.appendChild(el("td", { "class": count === 0 ? "unread" : count === full ? "full" : "" }, String(count)));
      }
      body.appendChild(tr);
    }
    return figure(t, "Windows reading each input cell. Hatched: padding (p). Outlined 0: never read. " +
      "Shaded: read by the most windows.");
  }

  function draw() {
    var got = read();
    notes.replaceChildren();
    conventions.replaceChildren();
    grid.replaceChildren();
    formula.replaceChildren();
    if (got.bad.length) {
      result.textContent = "Output: not computed. " + got.bad[0];
      got.bad.forEach(function (b) { notes.appendChild(el("li", {}, b)); });
      return;
    }
    var v = got.v;
    var rows = report(v.h, v.kernel, v.stride, v.padding, v.dilation);
    var cols = report(v.w, v.kernel, v.stride, v.padding, v.dilation);
    var error = rows.error || cols.error;
    result.textContent = error ? "Output: none. " + (error === "same_stride"
      ? "PyTorch refuses padding='same' with stride " + v.stride + "."
      : "The kernel is larger than the padded input.") : "Output: " + rows.out + " × " + cols.out +
      " (from " + v.h + " × " + v.w + ")";
    [["OH", v.h, rows], ["OW", v.w, cols]].forEach(function (a) {
      if (a[2].error !== "same_stride") {
        formula.appendChild(el("p", {}, a[0] + " = " + formulaText(a[1], v.kernel, v.stride, v.padding, v.dilation, a[2])));
      }
    });
    var same = v.h === v.w;
    var axes = same ? [[v.h, rows, "rows and columns", true]]
      : [[v.h, rows, "rows", false], [v.w, cols, "columns", false]];
    var all = [];
    axes.forEach(function (a) { all = all.concat(axisNotes(a[0], v.kernel, v.stride, v.padding, v.dilation, a[1], a[2], a[3])); });
    if (!error) {
      all.push(rows.out === v.h && cols.out === v.w ? "The output is as large as the input."
        : "The output has " + (v.h - rows.out) + " fewer rows and " + (v.w - cols.out) + " fewer columns than the input" +
          (v.stride > 1 ? " (the stride keeps one window in " + v.stride + ")." : "."));
    }
    all.forEach(function (text) { notes.appendChild(el("li", {}, text)); });
    var t = el("table", { "class": "cnnlab-conv-table", "aria-label": "the same layer in other conventions" });
    var head = el("tr");
    ["convention", "height", "width"].forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody")), cr = conventionRows(v.w, v.kernel, v.stride, v.padding, v.dilation, cols);
    conventionRows(v.h, v.kernel, v.stride, v.padding, v.dilation, rows).forEach(function (row, i) {
      var tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, row[0]));
      tr.appendChild(el("td", {}, row[1]));
      tr.appendChild(el("td", {}, cr[i][1]));
      body.appendChild(tr);
    });
    conventions.appendChild(t);
    if (!error && rows.padded <= 20 && cols.padded <= 20) {
      grid.appendChild(coverageGrid(v, rows, cols));
    } else if (!error) {
      grid.appendChild(el("p", {}, "The grid of cells is drawn for padded inputs up to 20 × 20."));
    }
  }

  Object.keys(inputs).forEach(function (key) {
    var box = inputs[key];
    box.addEventListener("input", draw);
    box.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowUp" && e.key !== "ArrowDown") { return; }
      var now = key === "padding" ? paddingSpec(box.value) : wholeNumber(box.value);
      if (typeof now !== "number") { return; }
      var next = now + (e.key === "ArrowUp" ? 1 : -1);
      if (next < (key === "padding" ? 0 : 1)) { return; }
      box.value = String(next);
      e.preventDefault();
      draw();
    });
  });
  root.querySelector(".cnnlab-body").replaceChildren(form, help, result, formula, notes, conventions, grid);
  draw();
})();
