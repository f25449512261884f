function squeeze(text) { return text.replace(/[ \t\n\r\f\v]+/g, "").toLowerCase(); }
KINDS.choice = {
  empty: "Choose one of the options first.",
  read: function (p, text) {
    var squeezed = p.options.map(squeeze), at = squeezed.indexOf(squeeze(text));  // "linear(784,10)"
    if (at >= 0) { return [p.options[at], null]; }
    var letter = parseLetter(text);
    if (letter !== null && letter < p.options.length) { return [p.options[letter], null]; }
    var listed = p.options.join(", ");
    return [null, "\"" + text + "\" is not one of the options: " + listed + (/\.$/.test(listed) ? "" : ".")];
  },
  same: function (p, a, b) { return a === b; },
  judge: function (p, v, b) { return b.right(v) ? [true, "Correct."] : b.notYet(v); }
};
