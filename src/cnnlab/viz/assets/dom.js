/* Shared by every CNN Lab widget (cnnlab.viz.embed): small DOM helpers. `root` is the
   widget's container and `data` its JSON, both set by the embed wrapper. */
function el(tag, attrs, text) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
  if (text !== undefined) { node.textContent = text; }
  return node;
}
function table(rows, cls, label) {
  /* A grid of numbers with its row and column indices as headers, so that a screen reader
     announces "row 2, column 3" with each number. cellAt(t, r, c) reaches a number's cell. */
  var t = el("table", { "class": cls, "aria-label": label });
  var head = el("tr");
  head.appendChild(el("td", { "class": "corner" }));
  (rows[0] || []).forEach(function (_, c) { head.appendChild(el("th", { scope: "col" }, String(c))); });
  t.appendChild(el("thead")).appendChild(head);
  var body = t.appendChild(el("tbody"));
  rows.forEach(function (row, r) {
    var tr = el("tr");
    tr.appendChild(el("th", { scope: "row" }, String(r)));
    row.forEach(function (v) { tr.appendChild(el("td", {}, v)); });
    body.appendChild(tr);
  });
  return t;
}
function cellAt(t, r, c) { return t.tBodies[0].rows[r].cells[c + 1]; }
function figure(content, caption) {
  var f = el("figure");
  f.appendChild(content);
  f.appendChild(el("figcaption", {}, caption));
  return f;
}
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
function marked(cells, label, cls, top, left, fh, fw) {
  /* A table of {v, pad} cells with the fh x fw window at (top, left) outlined. */
  var t = table(cells.map(function (row) { return row.map(function (c) { return c.v; }); }), cls, label);
  cells.forEach(function (row, r) {
    row.forEach(function (px, c) {
      var k = px.pad ? ["pad"] : [];
      if (r >= top && r < top + fh && c >= left && c < left + fw) { k.push("win"); }
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
