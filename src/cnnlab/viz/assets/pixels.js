/* The pixel inspector (cnnlab.viz.pixel_inspector): every pixel of a small colour image is a
   cell; hovering or focusing one shows its (r, g, b) values, their indices in the (H, W, C)
   and (C, H, W) layouts, and their positions in memory when each layout is stored
   contiguously, in C order (to_chw itself returns a view, in which a pixel's three values stay
   side by side). tests/test_pixels.py holds offsets() equal to numpy's np.ravel_multi_index. */
function offsets(h, w, c, i, j, ch) {
  /* Positions of value (i, j, ch) in contiguous, C-ordered arrays: channels last, then channels first. */
  return [(i * w + j) * c + ch, ch * h * w + i * w + j];
}
window.cnnlabPixels = { offsets: offsets };

(function () {
  var px = data.pixels, h = px.length, w = px[0].length, C = 3, name = data.name;
  var names = ["red", "green", "blue"];
  var grid = el("div", { "class": "cnnlab-pgrid", role: "group",
                         "aria-label": "the " + h + "×" + w + " image, one button per pixel" });
  grid.style.gridTemplateColumns = "repeat(" + w + ", 26px)";
  var cells = [];
  for (var i = 0; i < h; i++) {
    for (var j = 0; j < w; j++) {
      var v = px[i][j];
      var cell = el("button", { type: "button", "class": "cnnlab-px", tabindex: "-1", "data-row": i, "data-col": j,
                                "aria-label": "pixel row " + i + ", column " + j });
      cell.style.background = "rgb(" + v[0] + ", " + v[1] + ", " + v[2] + ")";
      cells.push(cell);
      grid.appendChild(cell);
    }
  }
  var readout = el("table", { "class": "cnnlab-readout", "aria-label": "the chosen pixel's values and indices" });
  var status = el("p", { "class": "cnnlab-status", role: "status", "aria-live": "polite" });
  var swatch = el("div", { "class": "cnnlab-swatch", "aria-hidden": "true" });
  var side = el("div", { "class": "cnnlab-pside" });
  side.appendChild(swatch); side.appendChild(readout);
  var view = el("div", { "class": "cnnlab-pview" });
  view.appendChild(grid); view.appendChild(side);
  var at = [0, 0];

  function show(i, j) {
    at = [i, j];
    var v = px[i][j];
    cells.forEach(function (c, k) {
      var here = k === i * w + j;
      c.classList.toggle("current", here);
      c.setAttribute("tabindex", here ? "0" : "-1");
    });
    swatch.style.background = "rgb(" + v[0] + ", " + v[1] + ", " + v[2] + ")";
    var rows = [["channel", "value", name + "[i, j, c]", "position in C order", "to_chw(" + name + ")[c, i, j]",
                 "position in a contiguous copy"]];
    for (var ch = 0; ch < C; ch++) {
      var o = offsets(h, w, C, i, j, ch);
      rows.push([ch + " " + names[ch], String(v[ch]), "[" + i + ", " + j + ", " + ch + "]", String(o[0]),
                 "[" + ch + ", " + i + ", " + j + "]", String(o[1])]);
    }
    readout.replaceChildren();
    rows.forEach(function (r, k) {
      var tr = el("tr");
      r.forEach(function (text) { tr.appendChild(el(k === 0 ? "th" : "td", k === 0 ? { scope: "col" } : {}, text)); });
      readout.appendChild(tr);
    });
    var o0 = offsets(h, w, C, i, j, 0), o2 = offsets(h, w, C, i, j, 2);
    status.textContent = "Row " + i + ", column " + j + ": (r, g, b) = (" + v.join(", ") + "). " +
      "(H, W, C): " + name + "[" + i + ", " + j + ", 0 to 2], positions " + o0[0] + " to " + o2[0] + ", side by side. " +
      "(C, H, W): to_chw(" + name + ")[0 to 2, " + i + ", " + j + "]; in a contiguous copy, positions " + o0[1] + ", " +
      offsets(h, w, C, i, j, 1)[1] + ", " + o2[1] + ", " + (h * w) + " apart (in the view that to_chw returns, still side by side).";
  }
  cells.forEach(function (cell) {
    var i = Number(cell.getAttribute("data-row")), j = Number(cell.getAttribute("data-col"));
    cell.addEventListener("mouseenter", function () { show(i, j); });
    cell.addEventListener("focus", function () { show(i, j); });
    cell.addEventListener("click", function () { show(i, j); });
  });
  grid.addEventListener("keydown", function (e) {
    var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    var i = at[0], j = at[1];
    if (moves[e.key]) { i = Math.min(h - 1, Math.max(0, i + moves[e.key][0])); j = Math.min(w - 1, Math.max(0, j + moves[e.key][1])); }
    else if (e.key === "Home") { j = 0; } else if (e.key === "End") { j = w - 1; } else { return; }
    e.preventDefault();
    cells[i * w + j].focus();
  });
  var help = el("p", { "class": "cnnlab-help" },
    "Point at a pixel, or press Tab to reach the image and move with the arrow keys.");
  ownKeys(root);
  root.querySelector(".cnnlab-body").replaceChildren(help, view, status);
  show(0, 0);
})();
