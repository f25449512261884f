/* The shape calculator (cnnlab.viz.shape_calculator): a convolution's output size from the
   reader's numbers, with the formula written out, the cells the windows read, what goes
   wrong and why, and the same layer in other conventions. report() is the one formula; its
   Python twin, cnnlab.viz.shape_calculator.axis_report, is held equal to it by the tests.
   explain() turns the reader's numbers into every sentence the page shows, so that the tests
   can hold each sentence to cnnlab's numbers too (tests/test_ch45_calculator_text.py). */
function wholeNumber(text) {
  var t = String(text).trim();
  return /^[0-9]+$/.test(t) ? Number(t) : null;
}
function numberPair(text) {
  /* "3" -> [3, 3]; "3, 5", "3,5", "(3, 5)", "3×5" or "3x5" -> [3, 5] (height, width); else null. */
  var t = String(text).trim().replace(/^\(\s*|\s*\)$/g, "");
  var parts = t.split(/\s*(?:,|×|x|X)\s*|\s+/);
  if (parts.length === 1) { var v = wholeNumber(parts[0]); return v === null ? null : [v, v]; }
  if (parts.length !== 2) { return null; }
  var a = wholeNumber(parts[0]), b = wholeNumber(parts[1]);
  return a === null || b === null ? null : [a, b];
}
function paddingSpec(text) {
  var t = String(text).trim().toLowerCase().replace(/^['"]|['"]$/g, "");
  return t === "valid" || t === "same" ? t : wholeNumber(t);
}
function paddingPair(text) {
  /* 'valid' / 'same' as they are; a number or a (height, width) pair per side as a pair. */
  var word = paddingSpec(text);
  return typeof word === "string" ? word : numberPair(text);
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

function listText(xs) {
  if (xs.length < 2) { return String(xs[0]); }
  return xs.slice(0, -1).join(", ") + " and " + xs[xs.length - 1];
}
function capital(text) { return text.charAt(0).toUpperCase() + text.slice(1); }
function plural(k, word) { return k + " " + word + (k === 1 ? "" : "s"); }
function minus(x) { return String(x).replace("-", "−"); }

var FIELDS = [["h", "height H"], ["w", "width W"], ["kernel", "kernel f"], ["stride", "stride s"],
              ["padding", "padding p"], ["dilation", "dilation d"]];

function readFields(raw) {
  /* raw: field -> the text typed. Returns {v, bad}: v.h and v.w numbers; v.kernel, v.stride,
     v.dilation [height, width] pairs; v.padding a pair or 'valid' / 'same'; bad the complaints. */
  var v = {}, bad = [];
  FIELDS.forEach(function (fd) {
    var key = fd[0], text = raw[key], name = fd[1].split(" ")[0];
    var x = key === "padding" ? paddingPair(text) : key === "h" || key === "w" ? wholeNumber(text) : numberPair(text);
    var low = key === "padding" ? 0 : 1;
    var tooSmall = x !== null && typeof x !== "string" && Math.min.apply(null, [].concat(x)) < low;
    if (x === null || tooSmall) {
      bad.push(name + (key === "padding"
        ? " must be a whole number of cells per side (0 or more), a (height, width) pair such as 1, 2, valid or same"
        : key === "h" || key === "w" ? " must be a whole number of at least 1"
        : " must be a whole number of at least 1, or a (height, width) pair such as 3, 5") + ", not “" + text + "”.");
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
    minus(top) + " / " + s + "⌋ + 1";
  if (top < 0) { return text + ": negative, so no window fits."; }
  return text + " = " + Math.floor(top / s) + " + 1 = " + (Math.floor(top / s) + 1);
}

function axisNotes(n, f, s, p, d, r, nouns, both) {
  /* The sentences about one axis (nouns "rows" or "columns"), or both when they are alike. */
  var one = function (ks, word) { return (ks.length === 1 ? word : word + "s") + " " + listText(ks); };
  var where = function (ks) {  /* "Row 7 and column 7 are", "Columns 5 and 7 are", "Row 3 is" */
    return capital(both ? one(ks, "row") + " and " + one(ks, "column") + " are"
      : one(ks, nouns.slice(0, -1)) + (ks.length === 1 ? " is" : " are"));
  };
  var out = [], span = d === 1 ? "" : " (dilation " + d + ": d(f − 1) + 1 = " + r.span + " cells)";
  if (p === "same") {
    out.push("'same' pads d(f − 1) = " + (r.pad[0] + r.pad[1]) + " cells along the " + nouns + ": " +
      r.pad[0] + " before and " + r.pad[1] + " after" +
      (r.pad[0] !== r.pad[1] ? " (an odd total: the extra cell goes after, as in PyTorch)." : "."));
  }
  if (r.error === "same_stride") {
    out.push("'same' with stride " + s + " is refused by PyTorch: 'same' promises an output as large as the input, " +
      "and at stride " + s + " the padding 'same' adds gives " + (Math.floor((r.padded - r.span) / s) + 1) +
      " " + nouns + " from " + n + ". TensorFlow/Keras 'SAME' allows it and gives ceil(" +
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
  /* The last window ends at padded cell (out - 1)s + span - 1; input cells after it are dropped
     by the floor, the other unread cells are stepped over between windows or between taps. */
  var lastEnd = (r.out - 1) * s + r.span - 1 - r.pad[0];
  var end = r.unread.filter(function (k) { return k > lastEnd; });
  var middle = r.unread.filter(function (k) { return k <= lastEnd; });
  if (end.length) {
    out.push(where(end) + " never read: n + 2p − span = " + r.padded + " − " + r.span + " = " + (r.padded - r.span) +
      " is not a multiple of the stride " + s + ", so the last window stops " + plural(r.dropped, "cell") +
      " short of the padded edge. The floor in the formula drops them.");
  }
  if (middle.length) {
    out.push(where(middle) + " never read: " + (s > 1
      ? "the stride " + s + " steps over cells that no tap of the kernel lands on" +
        (d > 1 ? " (the dilation leaves gaps between the taps)." : ".")
      : "no tap lands on them: the dilation " + d + " leaves gaps between the taps, and the input is too small " +
        "for other windows to fill them."));
  }
  if (r.dropped && !end.length) {
    out.push("The last window stops " + plural(r.dropped, "cell") + " short of the padded edge along the " + nouns +
      ", but only padding is left out there" + (r.unread.length ? "." : ": every input cell is still read."));
  }
  if (r.empty) {
    out.push(plural(r.empty, "window") + " along the " + nouns + " read nothing but padding: their outputs hold only the bias. " +
      (d === 1 ? "A padding of " + Math.max(r.pad[0], r.pad[1]) + " is at least the kernel's " + f +
        " cells, so a window fits wholly in it; full padding, p = f − 1 = " + (f - 1) +
        ", is the most that lets every window touch the input."
        : "The dilation " + d + " spaces the taps " + d + " cells apart, so all of a window's taps can land on padding."));
  }
  return out;
}

function sizeNotes(v, rows, cols) {
  /* How the output compares with the input, and why a strided output can be as large. */
  var axes = [[v.h, rows, v.stride[0], "row"], [v.w, cols, v.stride[1], "column"]];
  var part = function (a) {
    var diff = a[0] - a[1].out;
    return diff > 0 ? plural(diff, "fewer " + a[3])
      : diff < 0 ? plural(-diff, "more " + a[3]) : "as many " + a[3] + "s";
  };
  var out = [];
  if (rows.out === v.h && cols.out === v.w) {
    out.push("The output is as large as the input.");
  } else {
    var shrinks = axes.some(function (a) { return a[1].out < a[0] && a[2] > 1; });
    out.push("The output has " + part(axes[0]) + " and " + part(axes[1]) + " than the input" +
      (shrinks ? " (a stride of s keeps one window in s)." : "."));
  }
  axes.forEach(function (a) {
    var n = a[0], r = a[1], s = a[2];
    if (s === 1 || r.out !== n) { return; }
    var most = 1 + Math.floor((r.pad[0] + r.pad[1] - r.span + 1) / (s - 1));
    out.push("At stride " + s + " an output with as many " + a[3] + "s as the input needs n + 2p − span ≥ s(n − 1): " +
      n + " + " + (r.pad[0] + r.pad[1]) + " − " + r.span + " ≥ " + s + "×" + (n - 1) + ". It holds here only because the " +
      "input is small: with this padding it holds for inputs of at most " + plural(most, a[3]) +
      ", and it is not what 'same' padding does.");
  });
  return out;
}

function conventionRows(n, f, s, p, d, r) {
  /* One axis's cells of the conventions table, in the order of its rows. */
  var total = r.pad[0] + r.pad[1];
  var texts = r.error === "too_large" ? "no window fits"
    : "P = " + total + ": ⌊(" + n + " + " + total + " − " + r.span + ") / " + s + "⌋ + 1 = " +
      (Math.floor((r.padded - r.span) / s) + 1);
  return [
    r.error === "same_stride" ? "refused (stride > 1)" : r.error ? "no window fits" : r.out + " (pads " + r.pad[0] + " + " + r.pad[1] + ")",
    texts,
    r.tf_same.out + " (pads " + r.tf_same.pad[0] + " + " + r.tf_same.pad[1] + ")",
    r.tf_valid === null ? "error: kernel larger than input" : String(r.tf_valid)
  ];
}

function pairText(x) { return typeof x === "string" ? "'" + x + "'" : x[0] === x[1] ? String(x[0]) : "(" + x[0] + ", " + x[1] + ")"; }

function explain(raw) {
  /* Every text the calculator shows for the typed fields `raw` (field -> text): the result
     line, the formula lines, the notes, the conventions table ([label, height, width] rows),
     and the two axes' reports (null when a field cannot be read). */
  var got = readFields(raw), v = got.v;
  if (got.bad.length) {
    return { result: "Output: not computed. " + got.bad[0], formula: [], notes: got.bad, conventions: [], rows: null, cols: null, v: v };
  }
  var pad = function (i) { return typeof v.padding === "string" ? v.padding : v.padding[i]; };
  var rows = report(v.h, v.kernel[0], v.stride[0], pad(0), v.dilation[0]);
  var cols = report(v.w, v.kernel[1], v.stride[1], pad(1), v.dilation[1]);
  var error = rows.error || cols.error;
  var refused = rows.error === "same_stride" ? v.stride[0] : v.stride[1];
  var e = { v: v, rows: rows, cols: cols, formula: [], notes: [], conventions: [] };
  e.result = error ? "Output: none. " + (error === "same_stride"
    ? "PyTorch refuses padding='same' with stride " + refused + "."
    : "The kernel is larger than the padded input.") : "Output: " + rows.out + " × " + cols.out +
    " (from " + v.h + " × " + v.w + ")";
  [["OH", v.h, rows, 0], ["OW", v.w, cols, 1]].forEach(function (a) {
    if (a[2].error !== "same_stride") {
      e.formula.push(a[0] + " = " + formulaText(a[1], v.kernel[a[3]], v.stride[a[3]], pad(a[3]), v.dilation[a[3]], a[2]));
    }
  });
  var alike = v.h === v.w && ["kernel", "stride", "dilation"].every(function (k) { return v[k][0] === v[k][1]; }) &&
    pad(0) === pad(1);
  var axes = alike ? [[v.h, rows, "rows and columns", true, 0]]
    : [[v.h, rows, "rows", false, 0], [v.w, cols, "columns", false, 1]];
  axes.forEach(function (a) {
    var i = a[4];
    e.notes = e.notes.concat(axisNotes(a[0], v.kernel[i], v.stride[i], pad(i), v.dilation[i], a[1], a[2], a[3]));
  });
  if (!error) { e.notes = e.notes.concat(sizeNotes(v, rows, cols)); }
  var hr = conventionRows(v.h, v.kernel[0], v.stride[0], pad(0), v.dilation[0], rows);
  var wr = conventionRows(v.w, v.kernel[1], v.stride[1], pad(1), v.dilation[1], cols);
  ["PyTorch / cnnlab, padding=" + pairText(v.padding) + " (cells per side)",
   "Texts that count the total padding P (both sides)" + (error === "same_stride" ? ", with the P that 'same' adds at stride 1" : ""),
   "TensorFlow/Keras 'SAME': ceil(n / s)", "TensorFlow/Keras 'VALID' (no padding)"].forEach(function (label, k) {
    e.conventions.push([label, hr[k], wr[k]]);
  });
  return e;
}
window.cnnlabShapes = { report: report, paddingSpec: paddingSpec, numberPair: numberPair, explain: explain };

(function () {
  var inputs = {};
  var form = el("div", { "class": "cnnlab-calc-inputs" });
  FIELDS.forEach(function (fd) {
    var label = el("label", {}, fd[1] + " ");
    var wide = fd[0] !== "h" && fd[0] !== "w";
    var box = el("input", { type: "text", inputmode: wide ? "text" : "numeric",
                            size: wide ? "6" : "4", value: String(data[fd[0]]), "data-field": fd[0],
                            spellcheck: "false", autocomplete: "off" });
    if (fd[0] === "padding") { box.setAttribute("title", "a number per side, a (height, width) pair, valid or same"); }
    else if (wide) { box.setAttribute("title", "a number, or a (height, width) pair such as 3, 5"); }
    label.appendChild(box);
    form.appendChild(label);
    inputs[fd[0]] = box;
  });
  var help = el("p", { "class": "cnnlab-calc-help" },
    "Padding: a number of cells per side (PyTorch's padding=), valid or same. Kernel, stride, padding and dilation " +
    "also take a (height, width) pair such as 3, 5. Arrow up and down change a single number.");
  var result = el("p", { "class": "cnnlab-calc-result", role: "status", "aria-live": "polite" });
  var formula = el("div", { "class": "cnnlab-calc-formula" });
  var notes = el("ul", { "class": "cnnlab-calc-notes" });
  var conventions = el("div", { "class": "cnnlab-calc-conv" });
  var grid = el("div", { "class": "cnnlab-calc-grid" });

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
    var raw = {};
    Object.keys(inputs).forEach(function (key) { raw[key] = inputs[key].value; });
    var e = explain(raw);
    result.textContent = e.result;
    formula.replaceChildren();
    notes.replaceChildren();
    conventions.replaceChildren();
    grid.replaceChildren();
    e.formula.forEach(function (text) { formula.appendChild(el("p", {}, text)); });
    e.notes.forEach(function (text) { notes.appendChild(el("li", {}, text)); });
    if (!e.rows) { return; }
    var t = el("table", { "class": "cnnlab-conv-table", "aria-label": "the same layer in other conventions" });
    var head = el("tr");
    ["convention", "height", "width"].forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    e.conventions.forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, row[0]));
      tr.appendChild(el("td", {}, row[1]));
      tr.appendChild(el("td", {}, row[2]));
      body.appendChild(tr);
    });
    conventions.appendChild(t);
    if (e.rows.error || e.cols.error) { return; }
    grid.appendChild(e.rows.padded <= 20 && e.cols.padded <= 20 ? coverageGrid(e.v, e.rows, e.cols)
      : el("p", {}, "The grid of cells is drawn for padded inputs up to 20 × 20."));
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
