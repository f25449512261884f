/* Shared by every CNN Lab widget (cnnlab.viz.embed): small DOM helpers. `root` is the
   widget's container and `data` its JSON, both set by the embed wrapper. */
function el(tag, attrs, text) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
  if (text !== undefined) { node.textContent = text; }
  return node;
}
function table(rows, cls, label, origin) {
  /* A grid of numbers with its row and column indices as headers, so that a screen reader
     announces "row 2, column 3" with each number. `origin` ([row, column], [0, 0] unless
     given) is the index of the first cell: a padded image counts its border -p, ..., so that
     its headers are the input's positions, as the status texts are. cellAt(t, r, c) reaches
     the number in the r-th row and c-th column of `rows`, whatever their headers. */
  var r0 = origin ? origin[0] : 0, c0 = origin ? origin[1] : 0;
  var t = el("table", { "class": cls, "aria-label": label });
  var head = el("tr");
  head.appendChild(el("td", { "class": "corner" }));
  (rows[0] || []).forEach(function (_, c) { head.appendChild(el("th", { scope: "col" }, String(c + c0))); });
  t.appendChild(el("thead")).appendChild(head);
  var body = t.appendChild(el("tbody"));
  rows.forEach(function (row, r) {
    var tr = el("tr");
    tr.appendChild(el("th", { scope: "row" }, String(r + r0)));
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
