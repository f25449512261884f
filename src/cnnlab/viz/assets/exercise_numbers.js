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
    var lengths = [p.expected].concat(p.also || []).map(function (a) { return a.length; });
    var detail = lengths.indexOf(v.length) >= 0 || b.known(v) ? "" : "You gave " + v.length + " number" + (v.length !== 1 ? "s" : "") + ".";
    return b.notYet(v, detail);
  }
};
