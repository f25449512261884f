/* The decision-line explorer (cnnlab.viz.perceptron_explorer): one perceptron with two
   inputs. The page computes on whole slider positions (tenths: 3 means 0.3), so that every
   sum is an exact whole number and a sum of exactly 0 fires, as in cnnlab.neuron.perceptron
   on whole numbers; in tenths as decimals 0.3 + 0.6 - 0.9 is about -1e-16 and would not.
   epoch() is Rosenblatt's rule with a learning rate of one step, cnnlab.neuron.perceptron_epoch;
   tests/test_perceptron.py and tests/test_ch1_neurons.py hold both equal to Python on grids. */
function fires(p1, p2, pb, x1, x2) { return (x1 * p1 + x2 * p2) + pb >= 0 ? 1 : 0; }
function outputs(p1, p2, pb, points) {
  return points.map(function (p) { return fires(p1, p2, pb, p[0], p[1]); });
}
function epoch(p1, p2, pb, points, target) {  /* one pass over the inputs: [p1, p2, pb, mistakes] */
  var mistakes = 0;
  points.forEach(function (p, k) {
    var error = target[k] - fires(p1, p2, pb, p[0], p[1]);
    if (error !== 0) { mistakes += 1; p1 += error * p[0]; p2 += error * p[1]; pb += error; }
  });
  return [p1, p2, pb, mistakes];
}
window.cnnlabPerceptron = { fires: fires, outputs: outputs, epoch: epoch };

var SVGNS = (function () {  // the SVG namespace, read from the parser rather than spelled out
  var d = document.createElement("div"); d.innerHTML = "<svg></svg>"; return d.firstChild.namespaceURI;
})();
var LO = -0.5, HI = 1.5, SIZE = 240, PAD = 28;
function sv(tag, attrs, text) {
  var node = document.createElementNS(SVGNS, tag);
  Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
  if (text !== undefined) { node.textContent = text; }
  return node;
}
function px(x1) { return PAD + (x1 - LO) / (HI - LO) * SIZE; }
function py(x2) { return PAD + (HI - x2) / (HI - LO) * SIZE; }
function num(v) { var t = String(Math.round(v * 100) / 100); return t.replace("-", "−"); }
function corners() { return [[LO, LO], [HI, LO], [HI, HI], [LO, HI]]; }
function clip(w1, w2, b) {
  /* The part of the square where the neuron fires (Sutherland–Hodgman against one half-plane),
     and the ends of the decision line inside the square. */
  var poly = [], ends = [], c = corners();
  var f = function (p) { return w1 * p[0] + w2 * p[1] + b; };
  for (var i = 0; i < 4; i++) {
    var p = c[i], q = c[(i + 1) % 4], fp = f(p), fq = f(q);
    if (fp >= 0) { poly.push(p); }
    if ((fp >= 0) !== (fq >= 0) && fp !== fq) {
      var t = fp / (fp - fq), cut = [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
      poly.push(cut); ends.push(cut);
    }
  }
  return { poly: poly, ends: ends.slice(0, 2) };
}
function sum(w1, w2, b) {  /* "1·x1 + 1·x2 − 1.5": the neuron's sum, signs folded in */
  return num(w1) + "·x1 " + (w2 < 0 ? "− " : "+ ") + num(Math.abs(w2)) + "·x2 " + (b < 0 ? "− " : "+ ") + num(Math.abs(b));
}

(function () {
  var steps = data.steps, state = { w1: data.w1, w2: data.w2, b: data.b, gate: data.gate };
  var run = { epochs: 0, seen: [], note: "" };  /* training since the reader last moved a control */
  function forget() { run = { epochs: 0, seen: [], note: "" }; }
  var body = root.querySelector(".cnnlab-body");
  var svg = sv("svg", { viewBox: "0 0 " + (SIZE + 2 * PAD) + " " + (SIZE + 2 * PAD), width: SIZE + 2 * PAD,
                        height: SIZE + 2 * PAD, role: "img", "class": "cnnlab-plane" });
  var side = el("div", { "class": "cnnlab-side" });
  var sliders = {};
  [["w1", "weight w1", data.wmax], ["w2", "weight w2", data.wmax], ["b", "bias b", data.bmax]].forEach(function (s) {
    var label = el("label", { "class": "cnnlab-slider" });
    label.appendChild(el("span", { "class": "cnnlab-name" }, s[1]));
    var input = el("input", { type: "range", min: -s[2], max: s[2], step: 1, value: state[s[0]], "data-param": s[0] });
    var shown = el("output", { "class": "cnnlab-value" });
    input.addEventListener("input", function () { state[s[0]] = Number(input.value); forget(); draw(); });
    label.appendChild(input); label.appendChild(shown);
    side.appendChild(label);
    sliders[s[0]] = { input: input, shown: shown };
  });
  var gateRow = el("label", { "class": "cnnlab-slider" });
  gateRow.appendChild(el("span", { "class": "cnnlab-name" }, "target"));
  var select = el("select", { "data-choice": "gate" });
  Object.keys(data.gates).forEach(function (g) {
    var o = el("option", { value: g }, g); if (g === state.gate) { o.selected = true; } select.appendChild(o);
  });
  select.addEventListener("change", function () { state.gate = select.value; forget(); draw(); });
  gateRow.appendChild(select);
  side.appendChild(gateRow);
  var presets = el("div", { "class": "cnnlab-presets" });
  [["AND", 10, 10, -15], ["OR", 10, 10, -5]].forEach(function (p) {
    var button = el("button", { type: "button", "data-preset": p[0] }, p[0] + ": w = (1, 1), b = " + num(p[3] / steps));
    button.addEventListener("click", function () {
      state.w1 = p[1]; state.w2 = p[2]; state.b = p[3]; state.gate = p[0]; select.value = p[0]; forget(); draw();
    });
    presets.appendChild(button);
  });
  side.appendChild(presets);
  function trainEpoch() {
    /* One epoch of the rule on the target gate; false once it has stopped (converged,
       cycling, or about to leave a slider's range), with run.note saying why. */
    var key = function () { return [state.w1, state.w2, state.b].join(","); };
    if (run.seen.length === 0) { run.seen.push(key()); }
    var next = epoch(state.w1, state.w2, state.b, data.points, data.gates[state.gate]);
    var past = ["w1", "w2", "b"].filter(function (k, i) { return Math.abs(next[i]) > (k === "b" ? data.bmax : data.wmax); });
    if (past.length) {
      run.note = "Training stopped: the next epoch would move " + past[0] + " past " +
        num((past[0] === "b" ? data.bmax : data.wmax) / steps) + ", the end of its slider.";
      return false;
    }
    state.w1 = next[0]; state.w2 = next[1]; state.b = next[2]; run.epochs += 1;
    var before = run.seen.indexOf(key());
    if (next[3] === 0) {
      run.note = "Epoch " + run.epochs + " made no mistake: the rule has converged.";
    } else if (before >= 0) {
      run.note = "Epoch " + run.epochs + " (" + next[3] + (next[3] === 1 ? " mistake" : " mistakes") + ") ended where " +
        (before === 0 ? "training started" : "epoch " + before + " ended") + ": from here the rule repeats for ever.";
    } else {
      run.seen.push(key());
      run.note = "Epoch " + run.epochs + ": " + next[3] + (next[3] === 1 ? " mistake" : " mistakes") + ", weights updated.";
      return true;
    }
    return false;
  }
  var trainer = el("div", { "class": "cnnlab-presets" });
  [["epoch", "train one epoch", 1], ["run", "train until it stops", 100]].forEach(function (t) {
    var button = el("button", { type: "button", "data-train": t[0] }, t[1]);
    button.addEventListener("click", function () {
      for (var i = 0; i < t[2] && trainEpoch(); i++) { /* each epoch updates state */ }
      draw(run.note);
    });
    trainer.appendChild(button);
  });
  side.appendChild(trainer);
  var eq = el("p", { "class": "cnnlab-eq" });
  var rows = el("table");
  var status = el("p", { "class": "cnnlab-status", role: "status", "aria-live": "polite" });
  var view = el("div", { "class": "cnnlab-pview" });
  view.appendChild(svg); view.appendChild(side);

  function drawPlane(w1, w2, b, out) {
    svg.replaceChildren();
    svg.appendChild(sv("rect", { x: PAD, y: PAD, width: SIZE, height: SIZE, "class": "frame" }));
    var cut = clip(w1, w2, b);
    if (cut.poly.length >= 3) {
      svg.appendChild(sv("polygon", { "class": "fires", points: cut.poly.map(function (p) { return px(p[0]) + "," + py(p[1]); }).join(" ") }));
    }
    [0, 1].forEach(function (v) {
      svg.appendChild(sv("line", { "class": "axis", x1: px(v), y1: PAD, x2: px(v), y2: PAD + SIZE }));
      svg.appendChild(sv("line", { "class": "axis", x1: PAD, y1: py(v), x2: PAD + SIZE, y2: py(v) }));
      svg.appendChild(sv("text", { x: px(v), y: PAD + SIZE + 18, "class": "tick" }, String(v)));
      svg.appendChild(sv("text", { x: PAD - 12, y: py(v) + 4, "class": "tick" }, String(v)));
    });
    svg.appendChild(sv("text", { x: PAD + SIZE - 6, y: PAD + SIZE + 18, "class": "tick" }, "x1"));
    svg.appendChild(sv("text", { x: PAD - 12, y: PAD + 12, "class": "tick" }, "x2"));
    if (cut.ends.length === 2) {
      var e = cut.ends;
      svg.appendChild(sv("line", { "class": "boundary", x1: px(e[0][0]), y1: py(e[0][1]), x2: px(e[1][0]), y2: py(e[1][1]) }));
    }
    data.points.forEach(function (p, k) {
      var g = sv("g", { "class": out[k] ? "pt on" : "pt off", "data-output": out[k] });
      g.appendChild(sv("circle", { cx: px(p[0]), cy: py(p[1]), r: 13 }));
      g.appendChild(sv("text", { x: px(p[0]), y: py(p[1]) + 5 }, String(out[k])));
      svg.appendChild(g);
    });
    return cut;
  }

  function draw(note) {
    var w1 = state.w1 / steps, w2 = state.w2 / steps, b = state.b / steps;
    var out = outputs(state.w1, state.w2, state.b, data.points), target = data.gates[state.gate];
    Object.keys(sliders).forEach(function (k) {
      var v = num(state[k] / steps);
      sliders[k].input.value = state[k];
      sliders[k].shown.textContent = v;
      sliders[k].input.setAttribute("aria-valuetext", k + " = " + v);
    });
    var cut = drawPlane(state.w1, state.w2, state.b, out);
    var right = out.filter(function (o, k) { return o === target[k]; }).length;
    var line = cut.ends.length === 2 ? "decision line " + sum(w1, w2, b) + " = 0"
      : (w1 === 0 && w2 === 0 ? "no line: both weights are 0, so every input gets the same output"
         : "the decision line " + sum(w1, w2, b) + " = 0 lies outside the picture");
    eq.textContent = "The neuron fires (output 1, shaded side) where " + sum(w1, w2, b) + " ≥ 0; " + line + ".";
    var cells = [["x1", "x2", "w1·x1 + w2·x2 + b", "output", state.gate]];
    data.points.forEach(function (p, k) {
      cells.push([String(p[0]), String(p[1]), num((state.w1 * p[0] + state.w2 * p[1] + state.b) / steps), String(out[k]), String(target[k]) + (out[k] === target[k] ? " ✓" : " ✗")]);
    });
    var t = el("table", { "class": "cnnlab-truth", "aria-label": "the four inputs, the neuron's sum and output, and the target" });
    cells.forEach(function (r, i) {
      var tr = el("tr");
      r.forEach(function (v) { tr.appendChild(el(i === 0 ? "th" : "td", i === 0 ? { scope: "col" } : {}, v)); });
      t.appendChild(tr);
    });
    rows.replaceWith(t); rows = t;
    svg.setAttribute("aria-label", "Inputs (0, 0), (0, 1), (1, 0), (1, 1) give outputs " + out.join(", ") + "; " + line + ".");
    status.textContent = "w1 = " + num(w1) + ", w2 = " + num(w2) + ", b = " + num(b) + ": outputs " + out.join(", ") +
      ". Matches " + state.gate + " on " + right + " of 4 inputs." + (note ? " " + note : "");
  }
  ownKeys(root);
  body.replaceChildren(view, eq, rows, status);
  draw();
})();
