/* The form of a CNN Lab exercise, after exercise_read.js and the exercise_<kind>.js of its
   parts' kinds. */
function verdict(p, raw) {
  var kind = KINDS[p.kind], text = normalize(raw);
  if (!text) { return [false, kind.empty]; }
  var read = kind.read(p, text);
  if (read[1]) { return [false, read[1]]; }
  return kind.judge(p, read[0], base(p));
}
root.cnnlabVerdict = verdict;  /* for the tests: this exercise's judge, which knows its parts' kinds */

/* The form: one row per part, answered by typing (numbers, matrices, kernels) or by ticking
   (names, choices). Check, or Enter, gives the verdict in a live region; in a box of several
   rows Enter starts a new row and Ctrl+Enter checks. Editing the answer clears the verdict. */
var form = el("div", { "class": "cnnlab-ex-parts" });
form.appendChild(el("p", { "class": "cnnlab-ex-title" }, "Check your answer to exercise " + data.label + " here:"));
data.parts.forEach(function (p, index) {
  var row = el("div", { "class": "cnnlab-ex-part" });
  var name = p.name ? "(" + p.name + ") " : "";
  var out = el("p", { "class": "cnnlab-ex-verdict", role: "status", "aria-live": "polite" });
  var read, fields;
  function clear() { out.textContent = ""; out.className = "cnnlab-ex-verdict"; }
  function check() {
    var v = verdict(p, read());
    out.textContent = v[1];
    out.className = "cnnlab-ex-verdict " + (v[0] ? "ok" : "bad");
  }
  if (p.kind === "names" || p.kind === "choice") {
    var box = el("fieldset");
    box.appendChild(el("legend", {}, name + (p.kind === "names" ? "Tick every name that belongs:" : "Pick one:")));
    fields = p.options.map(function (o) {
      var lab = el("label");
      var input = el("input", { type: p.kind === "names" ? "checkbox" : "radio", value: o,
                                name: "cnnlab-ex-" + data.label + "-" + index });
      lab.appendChild(input);
      lab.appendChild(document.createTextNode(o));
      box.appendChild(lab);
      return input;
    });
    row.appendChild(box);
    read = function () { return fields.filter(function (i) { return i.checked; }).map(function (i) { return i.value; }).join(", "); };
    fields.forEach(function (input) {
      input.addEventListener("change", clear);
      input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); check(); } });
    });
  } else {
    var multi = p.kind === "matrix" || p.kind === "kernel";
    var field = el(multi ? "textarea" : "input", multi ? { rows: "3", cols: "18", placeholder: p.placeholder || "" }
                   : { type: "text", size: "16", placeholder: p.placeholder || "" });
    var lab2 = el("label", {}, name + "Your answer: ");
    lab2.appendChild(field);
    row.appendChild(lab2);
    if (multi) { row.appendChild(el("span", { "class": "cnnlab-ex-keys" }, "Enter starts a new row; Ctrl+Enter checks.")); }
    read = function () { return field.value; };
    field.addEventListener("input", clear);
    field.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (!multi || e.ctrlKey || e.metaKey)) { e.preventDefault(); check(); }
    });
  }
  var btn = el("button", { type: "button", "data-action": "check" }, "Check" + (p.name ? " (" + p.name + ")" : ""));
  btn.addEventListener("click", check);
  row.appendChild(btn);
  row.appendChild(out);
  form.appendChild(row);
});
root.querySelector(".cnnlab-body").replaceChildren(form);
