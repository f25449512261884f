/* For widgets that answer the arrow keys (cnnlab.viz: the decision-line explorer, the pixel
   inspector): keep those keys from reaching the page. JupyterLab reads keydown as it bubbles
   up to the document and would otherwise move between cells instead of moving the slider. */
function ownKeys(node) {
  var keys = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"];
  node.addEventListener("keydown", function (e) { if (keys.indexOf(e.key) >= 0) { e.stopPropagation(); } });
}
