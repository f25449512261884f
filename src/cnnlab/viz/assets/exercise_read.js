/* The in-page checker of a CNN Lab exercise (cnnlab.exercise), in pieces that the page
   carries only as needed: this file reads typed answers, mirroring exercise/reading.py; each
   exercise_<kind>.js judges one kind of part, mirroring its class in exercise/parts.py,
   message for message; exercise.js draws the form. The tests hold page and Python equal on
   grids of answers, on random text and on every form that the chapters' solutions write. The
   expected answers were computed by cnnlab when the notebook ran. */
var WS = "[ \\t\\n\\r\\f\\v]";
var NUM = "[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?";
var GROUPED = /^[+-]?[0-9]{1,3}(?:([,_ ])[0-9]{3})(?:\1[0-9]{3})*(?:\.[0-9]+)?$/;
var AND = /(?<![A-Za-z])and(?![A-Za-z])/gi;  /* "2, 5 and 8", "reflect and circular" */
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
  var t = text.replace(/[()\[\]{}]/g, " ").replace(AND, " ");
  if (grouped) { t = t.replace(/(?<=[0-9])([,_ ])(?=[0-9]{3}(?![0-9]))/g, ""); }
  return t.split(SEPARATORS).filter(Boolean);
}
function parseList(parts) {
  var values = parts.map(parseNumber);
  return !values.length || values.some(function (v) { return v === null; }) ? null : values;
}
function parseNumbers(text, length) {
  if (/^[()\[\]{} \t\n\r\f\v]+$/.test(text)) { return []; }  /* "()": no numbers at all */
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
  return text.replace(/[{}\[\]()'"]/g, " ").replace(AND, ",").split(/[,\n]/)
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
