/* The network tracer (cnnlab.viz.network_tracer): the reader builds a network layer by layer
   and reads, after every edit, each layer's output shape, receptive field, parameters and
   multiply-adds, and the memory of one training step on a batch.
   trace(spec) uses the formulas of cnnlab.summary and memory() those of
   cnnlab.tables.training_memory (tests/test_site_ch08.py and tests/test_ch8_tracer.py hold
   them equal on the presets and on random stacks); a layer that cannot run is flagged with
   the reason and a fix, as cnnlab's errors do. Specs are those of cnnlab.models. */
var FIELDS = {  /* the settings of each layer type: [key, label, smallest value] */
  conv: [["in", "in", 1], ["out", "out", 1], ["kernel", "kernel", 1], ["stride", "stride", 1],
         ["padding", "pad", 0], ["groups", "groups", 1]],
  maxpool: [["kernel", "kernel", 1], ["stride", "stride", 1], ["padding", "pad", 0]],
  avgpool: [["kernel", "kernel", 1], ["stride", "stride", 1], ["padding", "pad", 0]],
  linear: [["in", "in", 1], ["out", "out", 1]],
  relu: [], flatten: []
};
var NAMES = { conv: "Conv2d", maxpool: "MaxPool2d", avgpool: "AvgPool2d", linear: "Linear", relu: "ReLU",
              flatten: "Flatten" };

function fmt(n) { return n.toLocaleString("en-US"); }
function shapeText(shape) { return "(" + [-1].concat(shape).join(", ") + ")"; }
function prod(a) { return a.reduce(function (p, v) { return p * v; }, 1); }
function whole(v) { return typeof v === "number" && isFinite(v) && Math.floor(v) === v; }

function layerError(layer, shape) {
  /* [reason, fix] when `layer` cannot take an input of `shape` (without the batch axis),
     else null. The checks follow cnnlab's layers, in the same order. */
  var t = layer.type, name = NAMES[t], bad = null;
  (FIELDS[t] || []).forEach(function (f) {
    var v = layer[f[0]];
    if (!bad && (!whole(v) || v < f[2])) {
      bad = [f[1] + " must be a whole number of at least " + f[2] + ", got " + (v === null || v === undefined || v !== v ? "nothing" : v) + ".",
             "type a whole number of " + f[2] + " or more."];
    }
  });
  if (bad) { return bad; }
  if (t === "conv" && (layer["in"] % layer.groups || layer.out % layer.groups)) {
    var ok = [];
    for (var d = 1; d <= Math.min(layer["in"], layer.out); d++) { if (layer["in"] % d === 0 && layer.out % d === 0) { ok.push(d); } }
    return ["groups " + layer.groups + " does not divide in " + layer["in"] + " and out " + layer.out +
            ": the channels and the filters are split into equal groups.", "use groups in " + ok.join(", ") + "."];
  }
  if ((t === "maxpool" || t === "avgpool") && layer.padding > Math.floor(layer.kernel / 2)) {
    return ["pad " + layer.padding + " is more than half of kernel " + layer.kernel + ": some windows would hold only padding.",
            "use pad of at most " + Math.floor(layer.kernel / 2) + "."];
  }
  if ((t === "conv" || t === "maxpool" || t === "avgpool") && shape.length !== 3) {
    return [name + " needs a (C, H, W) volume but gets " + shape.length + " axis (" + shape.join(", ") + ") after flattening.",
            "move this layer before the flatten layer."];
  }
  if (t === "conv" && shape[0] !== layer["in"]) {
    return ["Conv2d was built for in = " + layer["in"] + " channels but " + shape[0] + " arrive.",
            "set in to " + shape[0] + ", or change the layer before so that it hands on " + layer["in"] + " channels."];
  }
  if (t === "conv" || t === "maxpool" || t === "avgpool") {
    var n = Math.min(shape[1], shape[2]), padded = n + 2 * layer.padding;
    if (layer.kernel > padded) {
      return ["the " + layer.kernel + "×" + layer.kernel + " kernel is larger than the padded input (" + n + " + 2×" +
              layer.padding + " = " + padded + "), so not even one window fits.",
              "use a kernel of at most " + padded + ", pad of at least " + Math.ceil((layer.kernel - n) / 2) +
              ", or a larger input (fewer pooling or strided layers before)."];
    }
  }
  if (t === "linear" && shape.length !== 1) {
    return ["Linear needs a flat vector of features but gets a (" + shape.join(", ") + ") volume.",
            "add a flatten layer before it (it would hand on " + fmt(prod(shape)) + " features)."];
  }
  if (t === "linear" && shape[0] !== layer["in"]) {
    return ["Linear was built for in = " + fmt(layer["in"]) + " features but " + fmt(shape[0]) + " arrive.",
            "set in to " + shape[0] + ", or change the layers before so that " + fmt(layer["in"]) + " features arrive."];
  }
  return null;
}

function traceLayer(layer, shape, field) {
  /* The output shape (without the batch axis), parameters, multiply-adds and receptive
     field {rf, jump} (null from Flatten and Linear on) of one valid layer, from the field
     before it: rf grows by (kernel - 1) * jump, jump by the stride. */
  var t = layer.type;
  if (t === "conv" || t === "maxpool" || t === "avgpool") {
    var side = function (n) { return Math.floor((n + 2 * layer.padding - layer.kernel) / layer.stride) + 1; };
    var out = [t === "conv" ? layer.out : shape[0], side(shape[1]), side(shape[2])];
    var params = t === "conv" ? (layer.kernel * layer.kernel * layer["in"] / layer.groups + 1) * layer.out : 0;
    var grown = field && { rf: field.rf + (layer.kernel - 1) * field.jump, jump: field.jump * layer.stride };
    return { shape: out, params: params, macs: params * out[1] * out[2], field: grown };
  }
  if (t === "linear") {
    var p = (layer["in"] + 1) * layer.out;
    return { shape: [layer.out], params: p, macs: p, field: null };
  }
  if (t === "flatten") { return { shape: [prod(shape)], params: 0, macs: 0, field: null }; }
  return { shape: shape.slice(), params: 0, macs: 0, field: field };  /* relu */
}

function trace(spec) {
  /* Every layer's name, output shape (batch first, -1), size, params, multiply-adds and
     receptive field (rf: a side in input pixels, or null), as cnnlab.summary(build(spec),
     (-1, *spec.input)) gives them, up to the first layer that cannot run: `error` =
     {index, reason, fix}. total.size sums the sizes (values per example). */
  var shape = spec.input.slice(), rows = [], seen = {}, error = null, field = { rf: 1, jump: 1 };
  var total = { params: 0, macs: 0, size: 0 };
  if (!spec.input.every(function (v) { return whole(v) && v >= 1; })) {
    return { rows: [], error: { index: -1, reason: "the input's C, H and W must be whole numbers of at least 1.",
             fix: "type a whole number of 1 or more." }, total: total };
  }
  for (var i = 0; i < spec.layers.length; i++) {
    var layer = spec.layers[i], problem = layerError(layer, shape);
    if (problem) { error = { index: i, reason: problem[0], fix: problem[1] }; break; }
    var r = traceLayer(layer, shape, field), name = NAMES[layer.type];
    seen[name] = (seen[name] || 0) + 1;
    shape = r.shape;
    field = r.field;
    rows.push({ name: name + "-" + seen[name], shape: [-1].concat(shape), size: prod(shape), params: r.params,
                macs: r.macs, rf: field ? field.rf : null });
    total.params += r.params;
    total.macs += r.macs;
    total.size += prod(shape);
  }
  return { rows: rows, error: error, total: total };
}

function memory(spec, result, batch, buffers) {
  /* The bytes of one training step on `batch` examples in float32, as
     cnnlab.tables.training_memory counts them: the input batch, every layer's output and one
     gradient for each, the parameters, their gradients and `buffers` optimizer copies
     (0: SGD, 1: SGD with momentum, 2: Adam). */
  var activations = batch * result.total.size * 4, params = result.total.params * 4;
  var m = { batch: batch, input: batch * prod(spec.input) * 4, activations: activations, activation_grads: activations,
            params: params, param_grads: params, optimizer: buffers * params };
  m.total = m.input + m.activations + m.activation_grads + m.params + m.param_grads + m.optimizer;
  return m;
}
window.cnnlabTracer = window.cnnlabTracer || { trace: trace, memory: memory };

/* --- the page: a table of layers with their settings and results ------------------------ */
var spec = JSON.parse(JSON.stringify(data.presets[data.start].spec));
var body = root.querySelector(".cnnlab-body");
body.textContent = "";

var top = body.appendChild(el("div", { "class": "cnnlab-tr-bar" }));
var presetLabel = top.appendChild(el("label", {}, "Preset "));
var presetSelect = presetLabel.appendChild(el("select"));
data.presets.forEach(function (p, k) {
  var o = presetSelect.appendChild(el("option", { value: String(k) }, p.name));
  if (k === data.start) { o.selected = true; }
});
var loadButton = top.appendChild(el("button", { type: "button", "data-action": "load" }, "Load preset"));

/* A long network scrolls inside its own box, so the totals, the memory and the controls
   below stay in reach; on a narrow screen each row becomes a card (tracer.css). */
var scroller = body.appendChild(el("div", { "class": "cnnlab-tr-scroll" }));
var grid = scroller.appendChild(el("table", { "class": "cnnlab-tr-table" }));
grid.appendChild(el("caption", {}, "Each layer's settings, output shape (batch first), receptive field (the side " +
  "of the input patch one output value sees; — from Flatten on, where each output reads every value that " +
  "arrives), parameters and multiply-adds"));
var HEADS = ["#", "Layer", "Settings", "Output shape", "Receptive field", "Param #", "Mult-Adds", "Edit"];
var headRow = grid.appendChild(el("thead")).appendChild(el("tr"));
HEADS.forEach(function (h) { headRow.appendChild(el("th", { scope: "col" }, h)); });
var tbody = grid.appendChild(el("tbody"));
var footRow = grid.appendChild(el("tfoot")).appendChild(el("tr"));


var addBar = body.appendChild(el("div", { "class": "cnnlab-tr-bar" }));
var typeLabel = addBar.appendChild(el("label", {}, "New layer "));
var typeSelect = typeLabel.appendChild(el("select"));
Object.keys(NAMES).forEach(function (t) { typeSelect.appendChild(el("option", { value: t }, NAMES[t])); });
var whereLabel = addBar.appendChild(el("label", {}, "at "));
var whereSelect = whereLabel.appendChild(el("select"));
var addButton = addBar.appendChild(el("button", { type: "button", "data-action": "add" }, "Add layer"));
var status = body.appendChild(el("p", { "class": "cnnlab-tr-status", "aria-live": "polite" }));
var memBar = body.appendChild(el("div", { "class": "cnnlab-tr-bar" }));
var batchLabel = memBar.appendChild(el("label", { "class": "cnnlab-tr-field" }, "Training memory for a batch of "));
var batchInput = batchLabel.appendChild(el("input", { type: "number", min: "1", step: "1", inputmode: "numeric" }));
batchInput.value = "32";
var optLabel = memBar.appendChild(el("label", {}, "with "));
var optSelect = optLabel.appendChild(el("select"));
[["0", "SGD"], ["1", "SGD with momentum"], ["2", "Adam"]].forEach(function (o) {
  var opt = optSelect.appendChild(el("option", { value: o[0] }, o[1]));
  if (o[0] === "1") { opt.selected = true; }
});
var memText = body.appendChild(el("p", { "class": "cnnlab-tr-memory" }));

function bytesText(n) {
  /* 9,018,535,392 -> "9.02 GB": decimal units, three significant digits. */
  var units = [["GB", 1e9], ["MB", 1e6], ["kB", 1e3]];
  for (var k = 0; k < units.length; k++) {
    if (n >= units[k][1]) { return (n / units[k][1]).toPrecision(3) + " " + units[k][0]; }
  }
  return n + " bytes";
}

function labelled(cls, label) {  /* a result cell; the label heads it when rows become cards */
  var attrs = { "data-label": label };
  if (cls) { attrs["class"] = cls; }
  return el("td", attrs);
}

function numberInput(obj, key, min, label) {
  var input = el("input", { type: "number", min: String(min), step: "1", inputmode: "numeric", "aria-label": label });
  input.value = String(obj[key]);
  input.addEventListener("input", function () {
    obj[key] = input.value.trim() === "" ? null : Number(input.value);
    update();
  });
  return input;
}

function setting(obj, f, what) {
  var wrap = el("label", { "class": "cnnlab-tr-field" });
  wrap.appendChild(el("span", {}, f[1]));
  wrap.appendChild(numberInput(obj, f[0], f[2], what + " " + f[1]));
  return wrap;
}

function defaults(type, shape) {
  /* A new layer that fits what arrives where it is inserted. */
  var c = shape.length === 3 ? shape[0] : 1;
  if (type === "conv") { return { type: type, "in": c, out: 8, kernel: 3, stride: 1, padding: 1, groups: 1 }; }
  if (type === "maxpool" || type === "avgpool") { return { type: type, kernel: 2, stride: 2, padding: 0 }; }
  if (type === "linear") { return { type: type, "in": prod(shape), out: 10 }; }
  return { type: type };
}

function render(focusRow, focusWhat) {
  /* Rebuild the rows after a change of structure; then focus row `focusRow`'s first input
     (or its Remove button, or the Add button). */
  tbody.textContent = "";
  var inputRow = tbody.appendChild(el("tr", { "class": "cnnlab-tr-input" }));
  inputRow.appendChild(el("td", { "class": "cnnlab-tr-index" }, "0"));
  inputRow.appendChild(el("th", { scope: "row" }, "Input"));
  var cell = inputRow.appendChild(el("td")).appendChild(el("div", { "class": "cnnlab-tr-settings" }));
  ["C", "H", "W"].forEach(function (name, k) { cell.appendChild(setting(spec.input, [k, name, 1], "input")); });
  inputRow.appendChild(labelled("shape", "Output shape"));
  inputRow.appendChild(labelled("num", "Receptive field"));
  ["", "", ""].forEach(function () { inputRow.appendChild(el("td", { "class": "cnnlab-tr-empty" })); });
  spec.layers.forEach(function (layer, i) {
    var tr = tbody.appendChild(el("tr", { "class": "cnnlab-tr-layer" }));
    tr.appendChild(el("td", { "class": "cnnlab-tr-index" }, String(i + 1)));
    tr.appendChild(el("th", { scope: "row" }, NAMES[layer.type]));
    var settings = tr.appendChild(el("td")).appendChild(el("div", { "class": "cnnlab-tr-settings" }));
    FIELDS[layer.type].forEach(function (f) { settings.appendChild(setting(layer, f, "layer " + (i + 1))); });
    if (!FIELDS[layer.type].length) { settings.parentNode.className = "cnnlab-tr-empty"; }
    [["shape", 3], ["num", 4], ["num", 5], ["num", 6]].forEach(function (c) { tr.appendChild(labelled(c[0], HEADS[c[1]])); });
    var remove = tr.appendChild(el("td")).appendChild(el("button", { type: "button", "data-action": "remove",
      "aria-label": "Remove layer " + (i + 1) + ", " + NAMES[layer.type] }, "Remove"));
    remove.addEventListener("click", function () {
      spec.layers.splice(i, 1);
      render(Math.min(i, spec.layers.length - 1), "remove");
    });
  });
  whereSelect.textContent = "";
  whereSelect.appendChild(el("option", { value: String(spec.layers.length) }, "the end"));
  spec.layers.forEach(function (layer, i) {
    whereSelect.appendChild(el("option", { value: String(i) }, "before layer " + (i + 1) + " (" + NAMES[layer.type] + ")"));
  });
  update();
  if (focusRow === undefined) { return; }
  var row = focusRow >= 0 ? tbody.rows[focusRow + 1] : null;
  var target = row && (focusWhat === "remove" ? row.querySelector("button") : row.querySelector("input, button"));
  (target || addButton).focus();
}

function update() {
  /* Recompute every result after an edit, without rebuilding the rows (focus stays put). */
  var result = trace(spec), rows = tbody.rows;
  [].slice.call(tbody.querySelectorAll(".cnnlab-tr-error")).forEach(function (r) { r.parentNode.removeChild(r); });
  rows[0].cells[3].textContent = shapeText(spec.input);
  rows[0].cells[4].textContent = "1×1";
  spec.layers.forEach(function (layer, i) {
    var tr = tbody.querySelectorAll(".cnnlab-tr-layer")[i], r = result.rows[i];
    var failed = result.error && result.error.index === i;
    tr.className = "cnnlab-tr-layer" + (failed ? " bad" : r ? "" : " after");
    tr.cells[3].textContent = r ? shapeText(r.shape.slice(1)) : failed ? "error" : "—";
    tr.cells[4].textContent = r && r.rf !== null ? r.rf + "×" + r.rf : "—";
    tr.cells[5].textContent = r ? fmt(r.params) : "—";
    tr.cells[6].textContent = r ? fmt(r.macs) : "—";
    [].slice.call(tr.querySelectorAll("input")).forEach(function (inp) {
      if (failed) { inp.setAttribute("aria-invalid", "true"); } else { inp.removeAttribute("aria-invalid"); }
    });
  });
  var e = result.error;
  if (e) {
    var anchor = e.index < 0 ? rows[0] : tbody.querySelectorAll(".cnnlab-tr-layer")[e.index];
    var msg = el("tr", { "class": "cnnlab-tr-error" });
    var td = msg.appendChild(el("td", { colspan: String(HEADS.length) }));
    td.appendChild(el("strong", {}, (e.index < 0 ? "Input" : "Layer " + (e.index + 1)) + ": "));
    td.appendChild(document.createTextNode(e.reason + " Fix: " + e.fix));
    anchor.parentNode.insertBefore(msg, anchor.nextSibling);
  }
  footRow.textContent = "";
  footRow.appendChild(el("td"));
  footRow.appendChild(el("th", { scope: "row" }, "Total"));
  footRow.appendChild(el("td"));
  var last = result.rows.length ? result.rows[result.rows.length - 1].shape.slice(1) : spec.input;
  footRow.appendChild(el("td", { "class": "shape", "data-label": "Output shape" }, e ? "—" : shapeText(last)));
  footRow.appendChild(el("td", { "class": "cnnlab-tr-empty" }));
  footRow.appendChild(el("td", { "class": "num", "data-label": "Param #" }, e ? "—" : fmt(result.total.params)));
  footRow.appendChild(el("td", { "class": "num", "data-label": "Mult-Adds" }, e ? "—" : fmt(result.total.macs)));
  footRow.appendChild(el("td", { "class": "cnnlab-tr-empty" }));
  showMemory(result);
  status.className = "cnnlab-tr-status" + (e ? " bad" : "");
  status.textContent = e
    ? (e.index < 0 ? "Input" : "Layer " + (e.index + 1) + " (" + NAMES[spec.layers[e.index].type] + ")") +
      " cannot run: " + e.reason + " Fix: " + e.fix
    : spec.layers.length + " layers, output " + shapeText(last) + ", " + fmt(result.total.params) +
      " parameters, " + fmt(result.total.macs) + " multiply-adds per example.";
}

function showMemory(result) {
  /* The memory line under the table, for the batch and optimizer chosen. */
  var batch = Number(batchInput.value), buffers = Number(optSelect.value);
  if (result.error) { memText.textContent = "Training memory: — (a layer cannot run)."; return; }
  if (!whole(batch) || batch < 1) { memText.textContent = "Training memory: type a batch size of 1 or more."; return; }
  var m = memory(spec, result, batch, buffers);
  var copies = ["weights and gradients", "weights, gradients and momentum", "weights, gradients and two Adam moments"][buffers];
  memText.textContent = "In float32, one training step on " + fmt(batch) + " examples holds about " + bytesText(m.total) +
    ": the input " + bytesText(m.input) + ", every layer's output " + bytesText(m.activations) + " and its gradient " +
    bytesText(m.activation_grads) + ", and the parameters " + (2 + buffers) + " times (" + copies + "), " +
    bytesText(m.params + m.param_grads + m.optimizer) + ". The activations grow with the batch; the parameters do not.";
}
batchInput.addEventListener("input", function () { showMemory(trace(spec)); });
optSelect.addEventListener("change", function () { showMemory(trace(spec)); });

loadButton.addEventListener("click", function () {
  spec = JSON.parse(JSON.stringify(data.presets[Number(presetSelect.value)].spec));
  render();
  presetSelect.focus();
});
addButton.addEventListener("click", function () {
  var at = Number(whereSelect.value), before = trace({ input: spec.input, layers: spec.layers.slice(0, at) });
  var shape = before.rows.length ? before.rows[before.rows.length - 1].shape.slice(1) : spec.input;
  spec.layers.splice(at, 0, defaults(typeSelect.value, shape));
  render(at);
});
render();
