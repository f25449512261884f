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
