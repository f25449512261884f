/* CNN Lab: accessibility repairs of markup that the book's extensions generate and no
   template reaches. Each is checked by axe-core in tests/test_site.py. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  // myst-nb's folded cells: aria-label="Toggle hidden content" hides the visible
  // "Show code cell content" from the accessible name; the visible text is the better name.
  document.querySelectorAll("details > summary[aria-label]").forEach(function (s) {
    if (s.textContent.trim()) { s.removeAttribute("aria-label"); }
  });
  // docutils' bibliography: role="list" whose entries carry the deprecated role
  // doc-biblioentry, which is no list item. Make them list items.
  document.querySelectorAll('.citation-list[role="list"] > .citation').forEach(function (c) {
    c.setAttribute("role", "listitem");
  });
});
