/* Shared by every step-by-step animation of CNN Lab: the controls (first, back, play/pause,
   forward, last, a scrubber, choice menus), the keyboard (arrows, Home, End, space), a short
   status that screen readers hear after each step but not while playing, and an accessible
   name that follows the reader's choices. A renderer calls stepper() with:
     choices: [{label, key, options: [text, ...]}]  menus; state[key] is the chosen index
     total(state)     the number of steps for the current choices
     draw(state)      {view: [nodes], expr: text, status: short text} for state.step
     describe(state)  what the animation shows now, for its accessible name */
function keptTogether(nodes) {
  /* The view's panels, each operator sign (→, ×, +) wrapped with the panel after it: when a
     narrow page wraps the row, a sign starts the next line with its panel and never dangles
     at the end of the line before. */
  var out = [];
  for (var i = 0; i < nodes.length; i++) {
    if (nodes[i].classList.contains("cnnlab-op") && i + 1 < nodes.length) {
      var pair = el("div", { "class": "cnnlab-then" });
      pair.appendChild(nodes[i]);
      pair.appendChild(nodes[++i]);
      out.push(pair);
    } else {
      out.push(nodes[i]);
    }
  }
  return out;
}
function stepper(r) {
  var state = { step: 0, timer: null };
  var view = el("div", { "class": "cnnlab-view" });
  var expr = el("div", { "class": "cnnlab-expr" });
  var status = el("div", { "class": "cnnlab-status", role: "status", "aria-live": "polite" });
  var controls = el("div", { "class": "cnnlab-controls" });
  var slider = el("input", { type: "range", min: "0", value: "0", "aria-label": "Step" });

  function button(action, symbol, label) {
    var b = el("button", { type: "button", "data-action": action, "aria-label": label, title: label }, symbol);
    controls.appendChild(b);
    return b;
  }
  button("first", "|◀", "First step");
  button("back", "◀", "Step back");
  var play = button("play", "Play", "Play");
  button("next", "▶", "Step forward");
  button("last", "▶|", "Last step");
  controls.appendChild(slider);

  r.choices.forEach(function (c) {
    state[c.key] = 0;
    if (c.options.length < 2) { return; }
    var label = el("label", {}, c.label + " ");
    var sel = el("select", { "data-choice": c.key });
    c.options.forEach(function (o, i) { sel.appendChild(el("option", { value: String(i) }, String(o))); });
    sel.addEventListener("change", function () {
      state[c.key] = Number(sel.value);
      state.step = 0;
      stop();
      draw();
    });
    label.appendChild(sel);
    controls.appendChild(label);
  });

  function draw() {
    var total = r.total(state);
    state.step = Math.max(0, Math.min(state.step, total - 1));
    var shown = r.draw(state);
    view.replaceChildren.apply(view, keptTogether(shown.view));
    expr.textContent = shown.expr;
    var where = "Step " + (state.step + 1) + " of " + total;
    if (state.timer === null) { status.textContent = where + ": " + shown.status; }
    slider.max = String(total - 1);
    slider.value = String(state.step);
    slider.setAttribute("aria-valuetext", where);
    root.setAttribute("aria-label", r.describe(state) + ". Arrow keys step, space plays.");
  }
  function go(step) { state.step = step; draw(); }
  function stop() {
    if (state.timer === null) { return; }
    clearInterval(state.timer);
    state.timer = null;
    play.textContent = "Play"; play.setAttribute("aria-label", "Play"); play.title = "Play";
    draw();
  }
  function start() {
    if (state.step >= r.total(state) - 1) { go(0); }
    status.textContent = "Playing.";
    state.timer = setInterval(function () {
      if (state.step >= r.total(state) - 1) { stop(); } else { go(state.step + 1); }
    }, data.interval || 900);
    play.textContent = "Pause"; play.setAttribute("aria-label", "Pause"); play.title = "Pause";
  }
  function act(action) {
    if (action === "play") { if (state.timer === null) { start(); } else { stop(); } return; }
    stop();
    if (action === "first") { go(0); }
    if (action === "back") { go(state.step - 1); }
    if (action === "next") { go(state.step + 1); }
    if (action === "last") { go(r.total(state) - 1); }
  }

  controls.addEventListener("click", function (e) {
    var b = e.target.closest("button");
    if (b) { act(b.getAttribute("data-action")); }
  });
  slider.addEventListener("input", function () { stop(); go(Number(slider.value)); });
  root.addEventListener("keydown", function (e) {
    var tag = e.target.tagName;
    if (tag === "SELECT" || tag === "INPUT") { return; }
    var keys = { ArrowRight: "next", ArrowLeft: "back", Home: "first", End: "last" };
    if (keys[e.key]) { act(keys[e.key]); e.preventDefault(); }
    if ((e.key === " " || e.key === "k") && tag !== "BUTTON") { act("play"); e.preventDefault(); }
  });

  root.querySelector(".cnnlab-body").replaceChildren(view, expr, status, controls);
  draw();
}
