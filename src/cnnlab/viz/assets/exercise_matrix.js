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
