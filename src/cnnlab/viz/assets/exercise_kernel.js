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
