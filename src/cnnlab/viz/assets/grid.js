/* Shared by the animations that draw grids of numbers (convolution, many channels, pooling):
   an image padded with a border, a table with a window outlined, and an output grid that
   fills in cell by cell. Builds on dom.js. */
function padded(rows, p, fill) {
  /* rows (an image as text cells) with p cells of `fill` ("0" unless given) on every side,
     as {v, pad} cells. */
  var h = rows.length, w = rows[0].length, out = [];
  for (var r = 0; r < h + 2 * p; r++) {
    var row = [];
    for (var c = 0; c < w + 2 * p; c++) {
      var inside = r >= p && r < h + p && c >= p && c < w + p;
      row.push(inside ? { v: rows[r - p][c - p], pad: false } : { v: fill === undefined ? "0" : fill, pad: true });
    }
    out.push(row);
  }
  return out;
}
function marked(cells, label, cls, top, left, fh, fw, dilation) {
  /* A table of {v, pad} cells with the fh x fw window at (top, left) (indices into `cells`)
     outlined; its headers number the input's rows and columns, the padding negative. With a
     dilation d > 1 the window's taps sit d cells apart: they are marked "win", the cells
     between them, which the window skips, "gap". */
  var d = dilation || 1, spanH = d * (fh - 1) + 1, spanW = d * (fw - 1) + 1;
  var r0 = 0, c0 = 0;  /* rows and columns of padding before the input: its headers count from -p */
  while (r0 < cells.length && cells[r0].every(function (c) { return c.pad; })) { r0++; }
  while (c0 < cells[0].length && cells.every(function (row) { return row[c0].pad; })) { c0++; }
  var t = table(cells.map(function (row) { return row.map(function (c) { return c.v; }); }), cls, label, [-r0, -c0]);
  cells.forEach(function (row, r) {
    row.forEach(function (px, c) {
      var k = px.pad ? ["pad"] : [];
      var dr = r - top, dc = c - left;
      if (dr >= 0 && dr < spanH && dc >= 0 && dc < spanW) { k.push(dr % d === 0 && dc % d === 0 ? "win" : "gap"); }
      cellAt(t, r, c).className = k.join(" ");
    });
  });
  return t;
}
function filling(rows, label, count, current) {
  /* An output grid with its first `count` cells (reading order) filled in; the cell at index
     `current` (or none, -1) marked as the one being computed. */
  var t = table(rows.map(function (row) { return row.map(function () { return ""; }); }), "cnnlab-out", label);
  var w = rows.length ? rows[0].length : 1;
  for (var n = 0; n < count; n++) {
    var td = cellAt(t, Math.floor(n / w), n % w);
    td.textContent = rows[Math.floor(n / w)][n % w];
    td.className = n === current ? "filled current" : "filled";
  }
  return t;
}
