/* The in-page checker of a CNN Lab exercise (cnnlab.exercise). It mirrors Part.verdict in
   Python message for message; the tests hold the two equal on a grid of answers. The
   expected answers were computed by cnnlab when the notebook ran. */
var NUM = "[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?";
function show(v) { var r = Math.round(v * 1000) / 1000; return String(r === 0 ? 0 : r); }
function parseNumber(text) {
  var t = text.trim().replace(/−/g, "-");
  if (/^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(t)) { t = t.replace(/,/g, ""); }
  if (new RegExp("^" + NUM + "$").test(t)) { return parseFloat(t); }
  var frac = new RegExp("^(" + NUM + ")\\s*/\\s*(" + NUM + ")$").exec(t);
  if (frac && parseFloat(frac[2]) !== 0) { return parseFloat(frac[1]) / parseFloat(frac[2]); }
  return null;
}
function parseNumbers(text) {
  var parts = text.replace(/−/g, "-").replace(/[()\[\]{}]/g, " ").split(/[\s,x×]+/).filter(Boolean);
  var values = parts.map(parseNumber);
  return !values.length || values.some(function (v) { return v === null; }) ? null : values;
}
function parseMatrix(text) {
  var t = text.trim(), rows;
  if (t.slice(0, 2) === "[[") { rows = t.slice(2).replace(/[\]\s]+$/, "").split(/\]\s*,?\s*\[/); }
  else { rows = t.split(/\n|;|\s+\/\s+/).filter(function (r) { return r.trim(); }); }
  var parsed = rows.map(parseNumbers);
  return !parsed.length || parsed.some(function (r) { return r === null; }) ? null : parsed;
}
function parseNames(text) {
  return text.replace(/[{}\[\]()'"]/g, " ").split(/[,\n]/)
    .map(function (s) { return s.trim().toLowerCase(); }).filter(Boolean);
}
function close(a, b, tol) { return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)); }
function sameList(a, b, tol) {
  return a.length === b.length && a.every(function (v, i) { return close(v, b[i], tol); });
}
function sameMatrix(a, b, tol) {
  return a.length === b.length && a.every(function (r, i) { return sameList(r, b[i], tol); });
}
function what(p) {
  return { number: "one number", numbers: p.expected.length + " numbers, e.g. a tuple",
           matrix: "a matrix (rows of numbers)", kernel: "a kernel (rows of numbers)",
           names: "a set of names", choice: "one of the options" }[p.kind];
}
function notYet(p, known, detail) {
  var hint = known || p.hint || "";
  return [false, "Not yet." + (detail ? " " + detail : "") + (hint ? " " + hint : "")];
}
function knownHint(p, same) {
  var found = (p.wrong || []).filter(function (w) { return same(w[0]); });
  return found.length ? found[0][1] : null;
}
function correlateMax(img, k) {
  var best = -Infinity;
  for (var i = 0; i + k.length <= img.length; i++) {
    for (var j = 0; j + k[0].length <= img[0].length; j++) {
      var s = 0;
      for (var p = 0; p < k.length; p++) { for (var q = 0; q < k[0].length; q++) { s += img[i + p][j + q] * k[p][q]; } }
      best = Math.max(best, s);
    }
  }
  return best;
}
function verdict(p, text) {
  var tol = p.tol === undefined ? 1e-6 : p.tol;
  if (!text.trim()) { return [false, "Type your answer first."]; }
  if (p.kind === "number") {
    var v = parseNumber(text);
    if (v === null) { return [false, "\"" + text.trim() + "\" is not a number. Write digits, e.g. 12, -0.5 or 1/9."]; }
    if (close(v, p.expected, tol)) { return [true, "Correct."]; }
    return notYet(p, knownHint(p, function (w) { return close(v, w, tol); }));
  }
  if (p.kind === "numbers") {
    var vs = parseNumbers(text);
    if (vs === null) { return [false, "\"" + text.trim() + "\" is not a list of numbers. Write e.g. (2, 3) or 2x3."]; }
    if (vs.length !== p.expected.length) { return [false, "The answer has " + p.expected.length + " numbers; you gave " + vs.length + "."]; }
    if (sameList(vs, p.expected, tol)) { return [true, "Correct."]; }
    return notYet(p, knownHint(p, function (w) { return sameList(vs, w, tol); }));
  }
  if (p.kind === "matrix" || p.kind === "kernel") {
    var m = parseMatrix(text);
    if (m === null) { return [false, "Write the matrix one row per line, numbers separated by spaces or commas."]; }
    var lengths = m.map(function (r) { return r.length; });
    if (lengths.some(function (n) { return n !== lengths[0]; })) {
      return [false, "Your rows have different lengths (" + lengths.join(", ") + "): every row needs as many numbers."];
    }
    if (p.kind === "kernel") { return judgeKernel(p, m); }
    var rows = p.expected.length, cols = p.expected[0].length;
    if (m.length !== rows || m[0].length !== cols) {
      return [false, "Your matrix is " + m.length + "×" + m[0].length + "; the answer is " + rows + "×" + cols + "."];
    }
    if (sameMatrix(m, p.expected, tol)) { return [true, "Correct."]; }
    var bad = 0;
    m.forEach(function (r, i) { r.forEach(function (x, j) { if (!close(x, p.expected[i][j], tol)) { bad++; } }); });
    return notYet(p, knownHint(p, function (w) { return sameMatrix(m, w, tol); }),
                  bad + " of " + rows * cols + " entries wrong.");
  }
  if (p.kind === "names") {
    var known = p.options.map(function (o) { return o.toLowerCase(); });
    var given = parseNames(text);
    for (var n = 0; n < given.length; n++) {
      if (known.indexOf(given[n]) < 0) { return [false, "\"" + given[n] + "\" is not one of the names: " + p.options.join(", ") + "."]; }
    }
    var got = given.filter(function (g, i) { return given.indexOf(g) === i; });
    var want = p.expected.map(function (e) { return e.toLowerCase(); });
    var right = got.filter(function (g) { return want.indexOf(g) >= 0; }).length;
    if (right === want.length && got.length === want.length) { return [true, "Correct."]; }
    var sameSet = function (w) {
      var lw = w.map(function (x) { return x.toLowerCase(); });
      return lw.length === got.length && got.every(function (g) { return lw.indexOf(g) >= 0; });
    };
    return notYet(p, knownHint(p, sameSet), right + " right, " + (got.length - right) + " wrong, " + (want.length - right) + " missing.");
  }
  var t = text.trim(), lowered = p.options.map(function (o) { return o.toLowerCase(); });
  var picked = null, letters = "abcdefghij";
  if (lowered.indexOf(t.toLowerCase()) >= 0) { picked = p.options[lowered.indexOf(t.toLowerCase())]; }
  else if (t.length === 1 && letters.slice(0, p.options.length).indexOf(t.toLowerCase()) >= 0) {
    picked = p.options[letters.indexOf(t.toLowerCase())];
  } else { return [false, "\"" + t + "\" is not one of the options: " + p.options.join(", ") + "."]; }
  if (picked === p.expected) { return [true, "Correct."]; }
  return notYet(p, knownHint(p, function (w) { return w === picked; }));
}
function judgeKernel(p, m) {
  if (m.length !== p.expected[0] || m[0].length !== p.expected[1]) {
    return [false, "Your kernel is " + m.length + "×" + m[0].length + "; it should be " + p.expected[0] + "×" + p.expected[1] + "."];
  }
  var s = {}, board = [];
  Object.keys(p.images).forEach(function (name) { s[name] = correlateMax(p.images[name], m); board.push(name + " " + show(s[name])); });
  board = "best scores: " + board.join(", ");
  for (var c = 0; c < p.conditions.length; c++) {
    var cond = p.conditions[c], a = s[cond[0]], b = typeof cond[2] === "string" ? s[cond[2]] : cond[2];
    var holds = { ">": a > b + 1e-9, "<": a < b - 1e-9, "==": Math.abs(a - b) <= 1e-9,
                  ">=": a >= b - 1e-9, "<=": a <= b + 1e-9 }[cond[1]];
    if (!holds) { return [false, "Not yet (" + board + "). " + cond[3]]; }
  }
  return [true, "Correct (" + board + ")."];
}
window.cnnlabExercise = { verdict: verdict };

/* The form: one row per part, answered by typing (numbers, matrices, kernels) or by ticking
   (names, choices); Enter or the Check button gives the verdict in a live region. */
var form = el("div", { "class": "cnnlab-ex-parts" });
form.appendChild(el("p", { "class": "cnnlab-ex-title" }, "Check your answer to exercise " + data.label + " here:"));
data.parts.forEach(function (p) {
  var row = el("div", { "class": "cnnlab-ex-part" });
  var name = p.name ? "(" + p.name + ") " : "";
  var out = el("p", { "class": "cnnlab-ex-verdict", role: "status", "aria-live": "polite" });
  var read;
  if (p.kind === "names" || p.kind === "choice") {
    var box = el("fieldset");
    box.appendChild(el("legend", {}, name + (p.kind === "names" ? "Tick every name that belongs:" : "Pick one:")));
    var inputs = p.options.map(function (o) {
      var lab = el("label");
      var input = el("input", { type: p.kind === "names" ? "checkbox" : "radio", value: o, name: "c" });
      lab.appendChild(input);
      lab.appendChild(document.createTextNode(o));
      box.appendChild(lab);
      return input;
    });
    row.appendChild(box);
    read = function () { return inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; }).join(", "); };
  } else {
    var multi = p.kind === "matrix" || p.kind === "kernel";
    var field = el(multi ? "textarea" : "input", multi ? { rows: "3", cols: "18", placeholder: p.placeholder || "" }
                   : { type: "text", size: "16", placeholder: p.placeholder || "" });
    var lab2 = el("label", {}, name + "Your answer: ");
    lab2.appendChild(field);
    row.appendChild(lab2);
    read = function () { return field.value; };
    field.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (!multi || e.ctrlKey || e.metaKey)) { e.preventDefault(); check(); }
    });
  }
  var btn = el("button", { type: "button", "data-action": "check" }, "Check" + (p.name ? " (" + p.name + ")" : ""));
  function check() {
    var v = verdict(p, read());
    out.textContent = v[1];
    out.className = "cnnlab-ex-verdict " + (v[0] ? "ok" : "bad");
  }
  btn.addEventListener("click", check);
  row.appendChild(btn);
  row.appendChild(out);
  form.appendChild(row);
});
form.querySelectorAll("fieldset").forEach(function (f, i) {
  f.querySelectorAll("input").forEach(function (input) { input.name = "cnnlab-ex-" + data.label + "-" + i; });
});
root.querySelector(".cnnlab-body").replaceChildren(form);
