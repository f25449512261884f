/* The in-page checker of a CNN Lab exercise (cnnlab.exercise). Reading mirrors
   exercise/reading.py and each kind's verdict exercise/parts.py, message for message; the
   tests hold the two equal on grids of answers, on random text and on every form that the
   chapters' solutions write. The expected answers were computed by cnnlab when the notebook ran. */
var WS = "[ \\t\\n\\r\\f\\v]";
var NUM = "[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?";
var GROUPED = /^[+-]?[0-9]{1,3}(?:([,_ ])[0-9]{3})(?:\1[0-9]{3})*(?:\.[0-9]+)?$/;
var SEPARATORS = /[ \t\n\r\f\v,;x×*]+/;
var EMPTY = "Type your answer first.";
var NOT_FINITE = "Your answer has a number that is not finite (infinity or NaN): write finite numbers.";
var CHANNELS_FIRST = "PyTorch puts the channels first: (C, H, W) for one image, (N, C, H, W) for a batch.";
function strip(t) { return t.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, ""); }
function normalize(t) { return strip(t.normalize("NFKC").replace(/−/g, "-")); }
function show(v) { var r = Math.floor(v * 1000 + 0.5) / 1000; return String(r === 0 ? 0 : r); }
function parseNumber(text) {
  var t = text;
  if (GROUPED.test(t)) { t = t.replace(/[,_ ]/g, ""); }
  if (new RegExp("^" + NUM + "$").test(t)) { return parseFloat(t); }
  var frac = new RegExp("^(" + NUM + ")" + WS + "*/" + WS + "*(" + NUM + ")$").exec(t);
  if (frac && parseFloat(frac[2]) !== 0) { return parseFloat(frac[1]) / parseFloat(frac[2]); }
  return null;
}
function pieces(text, grouped) {
  var t = text.replace(/[()\[\]{}]/g, " ");
  if (grouped) { t = t.replace(/(?<=[0-9])([,_ ])(?=[0-9]{3}(?![0-9]))/g, ""); }
  return t.split(SEPARATORS).filter(Boolean);
}
function parseList(parts) {
  var values = parts.map(parseNumber);
  return !values.length || values.some(function (v) { return v === null; }) ? null : values;
}
function parseNumbers(text, length) {
  var readings = [parseList(pieces(text, false)), parseList(pieces(text, true))];
  var fits = readings.filter(function (r) { return r !== null && r.length === length; });
  if (fits.length) { return fits[0]; }
  return /, /.test(text) ? readings[1] : readings[0];
}
function parseMatrix(text) {
  var rows;
  if (text.slice(0, 2) === "[[") { rows = text.slice(2).replace(/[\] \t\n\r\f\v]+$/, "").split(/\][ \t\n\r\f\v]*,?[ \t\n\r\f\v]*\[/); }
  else { rows = text.split(/\n|;|[ \t\r\f\v]+\/[ \t\r\f\v]+/).filter(function (r) { return strip(r); }); }
  var parsed = rows.map(function (r) { return parseList(pieces(r, false)); });
  return !parsed.length || parsed.some(function (r) { return r === null; }) ? null : parsed;
}
function parseNames(text) {
  return text.replace(/[{}\[\]()'"]/g, " ").split(/[,\n]/)
    .map(function (s) { return strip(s).toLowerCase(); }).filter(Boolean);
}
function parseLetter(text) {
  var found = /^\(?([a-jA-J])[).]?$/.exec(text);
  if (!found || (text[0] === "(" && text[text.length - 1] !== ")")) { return null; }
  return "abcdefghij".indexOf(found[1].toLowerCase());
}
function finite(values) { return values.every(function (v) { return Array.isArray(v) ? finite(v) : isFinite(v); }); }
function close(a, b, tol) { return a === b || Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)); }

/* One object per kind: read(text) gives [value, problem], same(a, b) compares, judge(value). */
var KINDS = {};
function base(p) {
  var k = KINDS[p.kind];
  var self = {
    right: function (v) { return [p.expected].concat(p.also || []).some(function (e) { return k.same(p, v, e); }); },
    known: function (v) {
      var found = (p.wrong || []).filter(function (w) { return k.same(p, v, w[0]); });
      return found.length ? found[0][1] : null;
    },
    notYet: function (v, detail) {
      var hint = self.known(v) || p.hint || "";
      return [false, "Not yet." + (detail ? " " + detail : "") + (hint ? " " + hint : "")];
    }
  };
  return self;
}
KINDS.number = {
  empty: EMPTY,
  read: function (p, text) {
    var factor = 1, units = Object.keys(p.units || {}).sort(function (a, b) { return b.length - a.length; });
    for (var u = 0; u < units.length; u++) {
      if (text.toLowerCase().endsWith(units[u].toLowerCase()) && text.length > units[u].length) {
        text = text.slice(0, text.length - units[u].length).replace(/[ \t\n\r\f\v]+$/, "");
        factor = p.units[units[u]];
        break;
      }
    }
    var v = parseNumber(text);
    if (v === null) {
      var sides = parseNumbers(text, 2);
      if (sides !== null && sides.length === 2 && sides[0] === sides[1]) { v = sides[0]; }
      else if (sides !== null && sides.length === 2) { return [null, "\"" + text + "\" is two numbers; the answer is one number (for a square, its side)."]; }
      else { return [null, "\"" + text + "\" is not a number. Write digits, e.g. 12, -0.5 or 1/9."]; }
    }
    v *= factor;
    return isFinite(v) ? [v, null] : [null, NOT_FINITE];
  },
  same: function (p, a, b) { return close(a, b, p.tol); },
  judge: function (p, v, b) { return b.right(v) ? [true, "Correct."] : b.notYet(v); }
};
KINDS.numbers = {
  empty: EMPTY,
  read: function (p, text) {
    var v = parseNumbers(text, p.expected.length);
    if (v === null) { return [null, "\"" + text + "\" is not a list of numbers. Write e.g. (2, 3) or 2x3."]; }
    return finite(v) ? [v, null] : [null, NOT_FINITE];
  },
  same: function (p, a, b) {
    if (a.length !== b.length) { return false; }
    if (p.unordered) {
      a = a.slice().sort(function (x, y) { return x - y; });
      b = b.slice().sort(function (x, y) { return x - y; });
    }
    return a.every(function (x, i) { return close(x, b[i], p.tol); });
  },
  channelsLast: function (p, v) {
    var e = p.expected;
    if (p.channels === "CHW") { return v.length === 3 && KINDS.numbers.same(p, v, [e[1], e[2], e[0]]); }
    if (p.channels === "NCHW") { return v.length === 4 && KINDS.numbers.same(p, v, [e[0], e[2], e[3], e[1]]); }
    return false;
  },
  judge: function (p, v, b) {
    if (b.right(v)) { return [true, "Correct."]; }
    if (b.known(v) === null && KINDS.numbers.channelsLast(p, v)) { return [false, "Not yet. " + CHANNELS_FIRST]; }
    var detail = v.length === p.expected.length || b.known(v) ? "" : "You gave " + v.length + " number" + (v.length !== 1 ? "s" : "") + ".";
    return b.notYet(v, detail);
  }
};
function readMatrix(p, text) {
  var m = parseMatrix(text);
  if (m === null) { return [null, "Write the matrix one row per line, numbers separated by spaces or commas."]; }
  var lengths = m.map(function (r) { return r.length; });
  if (lengths.some(function (n) { return n !== lengths[0]; })) {
    return [null, "Your rows have different lengths (" + lengths.join(", ") + "): every row needs as many numbers."];
  }
  return finite(m) ? [m, null] : [null, NOT_FINITE];
}
KINDS.matrix = {
  empty: EMPTY,
  read: readMatrix,
  same: function (p, a, b) {
    return a.length === b.length && a.every(function (r, i) {
      return r.length === b[i].length && r.every(function (x, j) { return close(x, b[i][j], p.tol); });
    });
  },
  judge: function (p, v, b) {
    if (b.right(v)) { return [true, "Correct."]; }
    var rows = p.expected.length, cols = p.expected[0].length;
    var shaped = v.length === rows && v[0].length === cols;
    if (b.known(v) === null && !shaped) {
      return [false, "Your matrix is " + v.length + "×" + v[0].length + "; the answer is " + rows + "×" + cols + "."];
    }
    if (!shaped) { return b.notYet(v); }
    var bad = 0;
    v.forEach(function (r, i) { r.forEach(function (x, j) { if (!close(x, p.expected[i][j], p.tol)) { bad++; } }); });
    return b.notYet(v, bad + " of " + rows * cols + " entries wrong.");
  }
};
KINDS.names = {
  empty: "Choose the names first: tick every one that belongs.",
  read: function (p, text) {
    var known = p.options.map(function (o) { return o.toLowerCase(); });
    var given = parseNames(text);
    for (var n = 0; n < given.length; n++) {
      if (known.indexOf(given[n]) < 0) { return [null, "\"" + given[n] + "\" is not one of the names: " + p.options.join(", ") + "."]; }
    }
    return [given.filter(function (g, i) { return given.indexOf(g) === i; }).sort(), null];
  },
  same: function (p, a, b) {
    var lb = b.map(function (x) { return x.toLowerCase(); });
    return a.every(function (x) { return lb.indexOf(x) >= 0; }) && lb.every(function (x) { return a.indexOf(x) >= 0; });
  },
  judge: function (p, v, b) {
    if (b.right(v)) { return [true, "Correct."]; }
    var want = p.expected.map(function (e) { return e.toLowerCase(); });
    var right = v.filter(function (g) { return want.indexOf(g) >= 0; }).length;
    var missing = want.filter(function (w, i) { return want.indexOf(w) === i && v.indexOf(w) < 0; }).length;
    return b.notYet(v, right + " right, " + (v.length - right) + " wrong, " + missing + " missing.");
  }
};
KINDS.choice = {
  empty: "Choose one of the options first.",
  read: function (p, text) {
    var lowered = p.options.map(function (o) { return o.toLowerCase(); });
    if (lowered.indexOf(text.toLowerCase()) >= 0) { return [p.options[lowered.indexOf(text.toLowerCase())], null]; }
    var letter = parseLetter(text);
    if (letter !== null && letter < p.options.length) { return [p.options[letter], null]; }
    return [null, "\"" + text + "\" is not one of the options: " + p.options.join(", ") + "."];
  },
  same: function (p, a, b) { return a === b; },
  judge: function (p, v, b) { return b.right(v) ? [true, "Correct."] : b.notYet(v); }
};
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
KINDS.kernel = {
  empty: EMPTY,
  read: readMatrix,
  same: KINDS.matrix.same,
  judge: function (p, m) {
    if (m.length !== p.expected[0] || m[0].length !== p.expected[1]) {
      return [false, "Your kernel is " + m.length + "×" + m[0].length + "; it should be " + p.expected[0] + "×" + p.expected[1] + "."];
    }
    var s = {}, board = [], names = Object.keys(p.images);
    names.forEach(function (name) { s[name] = correlateMax(p.images[name], m); });
    if (names.some(function (n) { return !(Math.abs(s[n]) <= 1e12); })) {
      return [false, "Not yet: your weights are too large to score (a best score beyond 1e12). Use weights of a few units."];
    }
    names.forEach(function (name) { board.push(name + " " + show(s[name])); });
    board = "best scores: " + board.join(", ");
    for (var c = 0; c < p.conditions.length; c++) {
      var cond = p.conditions[c], a = s[cond[0]], b = typeof cond[2] === "string" ? s[cond[2]] : cond[2];
      var holds = { ">": a > b + 1e-9, "<": a < b - 1e-9, "==": Math.abs(a - b) <= 1e-9,
                    ">=": a >= b - 1e-9, "<=": a <= b + 1e-9 }[cond[1]];
      if (!holds) { return [false, "Not yet (" + board + "). " + cond[3]]; }
    }
    return [true, "Correct (" + board + ")."];
  }
};
function verdict(p, raw) {
  var kind = KINDS[p.kind], text = normalize(raw);
  if (!text) { return [false, kind.empty]; }
  var read = kind.read(p, text);
  if (read[1]) { return [false, read[1]]; }
  return kind.judge(p, read[0], base(p));
}
window.cnnlabExercise = { verdict: verdict };

/* The form: one row per part, answered by typing (numbers, matrices, kernels) or by ticking
   (names, choices). Check, or Enter, gives the verdict in a live region; in a box of several
   rows Enter starts a new row and Ctrl+Enter checks. Editing the answer clears the verdict. */
var form = el("div", { "class": "cnnlab-ex-parts" });
form.appendChild(el("p", { "class": "cnnlab-ex-title" }, "Check your answer to exercise " + data.label + " here:"));
data.parts.forEach(function (p, index) {
  var row = el("div", { "class": "cnnlab-ex-part" });
  var name = p.name ? "(" + p.name + ") " : "";
  var out = el("p", { "class": "cnnlab-ex-verdict", role: "status", "aria-live": "polite" });
  var read, fields;
  function clear() { out.textContent = ""; out.className = "cnnlab-ex-verdict"; }
  function check() {
    var v = verdict(p, read());
    out.textContent = v[1];
    out.className = "cnnlab-ex-verdict " + (v[0] ? "ok" : "bad");
  }
  if (p.kind === "names" || p.kind === "choice") {
    var box = el("fieldset");
    box.appendChild(el("legend", {}, name + (p.kind === "names" ? "Tick every name that belongs:" : "Pick one:")));
    fields = p.options.map(function (o) {
      var lab = el("label");
      var input = el("input", { type: p.kind === "names" ? "checkbox" : "radio", value: o,
                                name: "cnnlab-ex-" + data.label + "-" + index });
      lab.appendChild(input);
      lab.appendChild(document.createTextNode(o));
      box.appendChild(lab);
      return input;
    });
    row.appendChild(box);
    read = function () { return fields.filter(function (i) { return i.checked; }).map(function (i) { return i.value; }).join(", "); };
    fields.forEach(function (input) {
      input.addEventListener("change", clear);
      input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); check(); } });
    });
  } else {
    var multi = p.kind === "matrix" || p.kind === "kernel";
    var field = el(multi ? "textarea" : "input", multi ? { rows: "3", cols: "18", placeholder: p.placeholder || "" }
                   : { type: "text", size: "16", placeholder: p.placeholder || "" });
    var lab2 = el("label", {}, name + "Your answer: ");
    lab2.appendChild(field);
    row.appendChild(lab2);
    if (multi) { row.appendChild(el("span", { "class": "cnnlab-ex-keys" }, "Enter starts a new row; Ctrl+Enter checks.")); }
    read = function () { return field.value; };
    field.addEventListener("input", clear);
    field.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (!multi || e.ctrlKey || e.metaKey)) { e.preventDefault(); check(); }
    });
  }
  var btn = el("button", { type: "button", "data-action": "check" }, "Check" + (p.name ? " (" + p.name + ")" : ""));
  btn.addEventListener("click", check);
  row.appendChild(btn);
  row.appendChild(out);
  form.appendChild(row);
});
root.querySelector(".cnnlab-body").replaceChildren(form);
