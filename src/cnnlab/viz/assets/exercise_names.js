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
