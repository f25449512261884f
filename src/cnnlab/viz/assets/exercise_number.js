KINDS.number = {
  empty: EMPTY,
  read: function (p, typed) {
    var text = typed, factor = 1, units = Object.keys(p.units || {}).sort(function (a, b) { return b.length - a.length; });
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
      else if (sides !== null && sides.length === 2) { return [null, "\"" + typed + "\" is two numbers; the answer is one number (for a square, its side)."]; }
      else if (sides !== null && sides.length > 2) { return [null, "\"" + typed + "\" is " + sides.length + " numbers; the answer is one number."]; }
      else { return [null, "\"" + typed + "\" is not a number. Write digits, e.g. 12, -0.5 or 1/9."]; }
    }
    if (factor !== 1) { v = parseFloat((v * factor).toPrecision(12)); }  /* "0.786432 MB" is 786,432 bytes exactly */
    return isFinite(v) ? [v, null] : [null, NOT_FINITE];
  },
  same: function (p, a, b) { return close(a, b, p.tol); },
  judge: function (p, v, b) { return b.right(v) ? [true, "Correct."] : b.notYet(v); }
};
