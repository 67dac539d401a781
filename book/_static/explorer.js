/*
 * The book's LSTM explorer: press letters on a trained network, watch its
 * prediction and its state change.
 *
 * Plain JavaScript, no dependency and no build step. Every element
 *
 *   <div class="alphalstm-explorer" data-model="ID"></div>
 *
 * gets an explorer for the model in <script type="application/json" id="ID">
 * (format "alphalstm-lstm/1", written by `python -m alphalstm export`).
 *
 * Optional attributes of the div: data-title (the explorer's name),
 * data-rollout-length (how many symbols "roll out" produces, default: the
 * vocabulary's length), data-rollout-label, data-cold (default "K") and
 * data-warmup (default "ABCDEFGHIJK": A ... J, then K).
 *
 * After every step the div carries its state for tests and curious readers:
 * data-sequence, data-prediction, data-probabilities, data-h, data-c (JSON,
 * full precision), and div.alphalstmExplorer.snapshot() returns the same.
 */
(function () {
  "use strict";

  var FORMAT = "alphalstm-lstm/1";
  var KERAS_GATE_ORDER = ["input", "forget", "cell", "output"];
  var H_RANGE = 1; // the colour of h saturates at +-1 (h is in (-1, 1))
  var C_RANGE = 3; // ... and the colour of c at +-3

  // ---------------------------------------------------------------- the network

  function sigmoid(x) {
    return 1 / (1 + Math.exp(-x));
  }

  function zeros(n) {
    return new Array(n).fill(0);
  }

  function softmax(logits) {
    var top = Math.max.apply(null, logits);
    var exps = logits.map(function (v) { return Math.exp(v - top); });
    var sum = exps.reduce(function (a, b) { return a + b; }, 0);
    return exps.map(function (v) { return v / sum; });
  }

  function check(model) {
    var problems = [];
    if (model.format !== FORMAT) problems.push("format is not " + FORMAT);
    if (!model.lstm || model.lstm.gate_order.join() !== KERAS_GATE_ORDER.join()) {
      problems.push("gate order is not " + KERAS_GATE_ORDER.join(", "));
    }
    if (model.lstm && (model.lstm.activation !== "tanh" ||
                       model.lstm.recurrent_activation !== "sigmoid")) {
      problems.push("only tanh cells with sigmoid gates are supported");
    }
    if (problems.length) throw new Error(problems.join("; "));
  }

  /** One LSTM layer and a softmax layer, in float64, one symbol at a time. */
  function Network(model) {
    check(model);
    this.model = model;
    this.vocabulary = Array.from(model.vocabulary);
    this.units = model.lstm.units;
    this.stateful = model.stateful;
  }

  /** The input features of symbol number `index`, as in alphalstm's framings. */
  Network.prototype.features = function (index) {
    var enc = this.model.encoding;
    if (enc.kind === "scalar") return [(index + enc.shift) * enc.scale];
    if (enc.kind === "onehot") {
      var x = zeros(this.vocabulary.length);
      x[index] = 1;
      return x;
    }
    throw new Error("unknown encoding " + enc.kind);
  };

  Network.prototype.zeroState = function () {
    return { h: zeros(this.units), c: zeros(this.units) };
  };

  /**
   * Feed symbol number `index` to the network in `state`; returns the next
   * state and the softmax probabilities of the next symbol.
   *   z = x . kernel + h . recurrent_kernel + bias, in Keras' blocks i, f, g, o
   */
  Network.prototype.step = function (index, state) {
    var lstm = this.model.lstm;
    var dense = this.model.dense;
    var n = this.units;
    var x = this.features(index);
    var z = lstm.bias.slice();
    var j, k;
    for (k = 0; k < x.length; k++) {
      if (x[k] === 0) continue;
      for (j = 0; j < 4 * n; j++) z[j] += x[k] * lstm.kernel[k][j];
    }
    for (k = 0; k < n; k++) {
      if (state.h[k] === 0) continue;
      for (j = 0; j < 4 * n; j++) z[j] += state.h[k] * lstm.recurrent_kernel[k][j];
    }
    var h = zeros(n);
    var c = zeros(n);
    for (j = 0; j < n; j++) {
      var input = sigmoid(z[j]);
      var forget = sigmoid(z[n + j]);
      var candidate = Math.tanh(z[2 * n + j]);
      var output = sigmoid(z[3 * n + j]);
      c[j] = forget * state.c[j] + input * candidate;
      h[j] = output * Math.tanh(c[j]);
    }
    var logits = dense.bias.slice();
    for (k = 0; k < n; k++) {
      for (j = 0; j < logits.length; j++) logits[j] += h[k] * dense.kernel[k][j];
    }
    return { state: { h: h, c: c }, probabilities: softmax(logits) };
  };

  // ------------------------------------------------------------------ the page

  var uid = 0;

  /** A DOM element: el("button", {class: "x", "aria-label": "y"}, "text", child, ...) */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined) node.setAttribute(name, attrs[name]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function percent(p) {
    return (100 * p).toFixed(1) + "\u00a0%";
  }

  function argsort(values) {
    return values.map(function (v, i) { return i; })
      .sort(function (a, b) { return values[b] - values[a]; });
  }

  function Explorer(root) {
    var spec = document.getElementById(root.getAttribute("data-model"));
    if (!spec) throw new Error("no model #" + root.getAttribute("data-model") + " on the page");
    this.root = root;
    this.net = new Network(JSON.parse(spec.textContent));
    var voc = this.net.vocabulary;
    var d = root.dataset;
    this.title = d.title || this.net.model.title || this.net.model.name;
    this.rolloutLength = parseInt(d.rolloutLength || voc.length, 10);
    this.rolloutLabel = d.rolloutLabel || "roll out from " + voc[0];
    this.cold = d.cold || voc[Math.min(10, voc.length - 1)];
    this.warmup = d.warmup || voc.slice(0, voc.indexOf(this.cold) + 1).join("");
    this.build();
    this.reset();
  }

  Explorer.prototype.build = function () {
    var self = this;
    var net = this.net;
    var root = this.root;
    var id = "alphalstm-explorer-" + (++uid);
    root.textContent = "";
    root.setAttribute("tabindex", "0");
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", this.title + ": press a letter to feed it to the network, " +
                      "Escape to reset the state");

    var heading = el("div", { class: "ax-title", id: id + "-title" }, this.title,
                     el("span", { class: "ax-badge" },
                        net.stateful ? "stateful, " + net.units + " units"
                                     : "stateless, " + net.units + " units"));

    // One button per symbol.
    var keys = el("div", { class: "ax-keys", role: "group", "aria-label": "feed a letter" });
    this.keyButtons = net.vocabulary.map(function (symbol, index) {
      var b = el("button", { type: "button", class: "ax-btn ax-key", "data-symbol": symbol,
                             "aria-label": "feed " + symbol }, symbol);
      b.addEventListener("click", function () { self.feed(index); });
      keys.appendChild(b);
      return b;
    });

    // Reset and the stateless switch.
    this.resetButton = el("button", { type: "button", class: "ax-btn ax-reset",
                                      "aria-label": "reset state: set h and c to zero" },
                          "reset state");
    this.resetButton.addEventListener("click", function () { self.reset(); });
    this.statelessBox = el("input", { type: "checkbox", class: "ax-stateless", id: id + "-stateless" });
    if (!net.stateful) {
      this.statelessBox.checked = true;
      this.statelessBox.disabled = true;
    }
    this.statelessBox.addEventListener("change", function () { self.render(); });
    var switchLabel = el("label", { class: "ax-switch", for: id + "-stateless" }, this.statelessBox,
                         el("span", { class: "ax-switch-text" },
                            "stateless: zero the state before each letter",
                            net.stateful ? null
                                         : el("span", { class: "ax-note" },
                                              " (this network was trained that way)")));
    var controls = el("div", { class: "ax-controls" }, this.resetButton, switchLabel);

    // Guided examples.
    var examples = [
      [this.rolloutLabel, "reset, feed " + net.vocabulary[0] + ", then feed back every prediction",
       function () { self.rollout(); }, "rollout"],
      ["cold start from " + this.cold, "reset, then feed " + this.cold,
       function () { self.run(self.cold); }, "cold"],
      ["warm up " + this.warmup[0] + "\u2026" + this.warmup[this.warmup.length - 2] + ", then " +
       this.cold, "reset, feed " + this.warmup.slice(0, -1) + ", then " + this.cold,
       function () { self.run(self.warmup); }, "warmup"]
    ];
    var guided = el("div", { class: "ax-guided", role: "group", "aria-label": "guided examples" },
                    el("span", { class: "ax-label" }, "Guided examples:"));
    examples.forEach(function (ex) {
      var b = el("button", { type: "button", class: "ax-btn ax-example", "data-example": ex[3],
                             title: ex[1], "aria-label": ex[0] + ": " + ex[1] }, ex[0]);
      b.addEventListener("click", ex[2]);
      guided.appendChild(b);
    });

    // The prediction and the history.
    this.nextSymbol = el("span", { class: "ax-next-symbol" });
    this.top = el("ol", { class: "ax-top", "aria-label": "the three most probable next letters" });
    this.prediction = el("div", { class: "ax-prediction", "aria-live": "polite",
                                  "aria-atomic": "true" },
                         el("span", { class: "ax-label" }, "Next letter: "), this.nextSymbol,
                         this.top);
    this.history = el("ol", { class: "ax-history", "aria-label": "letters fed so far, each " +
                              "with the prediction that followed it" });
    var historyBox = el("div", { class: "ax-history-box" },
                        el("div", { class: "ax-label" }, "Fed so far ",
                           el("span", { class: "ax-note" },
                              "(below each letter: what the network predicted next; " +
                              "a dashed box started from a zero state)")),
                        this.history);

    // The state strips.
    this.hCells = [];
    this.cCells = [];
    var strips = el("div", { class: "ax-strips", style: "--ax-units: " + net.units });
    [["h", "hidden state h", this.hCells, H_RANGE], ["c", "cell state c", this.cCells, C_RANGE]]
      .forEach(function (s) {
        var strip = el("div", { class: "ax-strip ax-strip-" + s[0], role: "img",
                                "data-label": s[1] });
        self[s[0] + "Strip"] = strip;
        for (var j = 0; j < net.units; j++) {
          var cell = el("span", { class: "ax-cell" });
          s[2].push(cell);
          strip.appendChild(cell);
        }
        strips.appendChild(el("div", { class: "ax-strip-label" }, s[1],
                              el("span", { class: "ax-note" }, " (colour at \u00b1" + s[3] + ")")));
        strips.appendChild(strip);
      });
    strips.appendChild(el("div", { class: "ax-legend", "aria-hidden": "true" },
                          el("span", null, "negative"), el("span", { class: "ax-legend-bar" }),
                          el("span", null, "positive")));

    root.appendChild(heading);
    root.appendChild(keys);
    root.appendChild(controls);
    root.appendChild(guided);
    root.appendChild(el("div", { class: "ax-output" }, this.prediction, historyBox));
    root.appendChild(strips);

    root.addEventListener("keydown", function (event) { self.onKey(event); });
  };

  Explorer.prototype.onKey = function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") {
      this.reset();
      event.preventDefault();
      return;
    }
    if (event.key.length !== 1) return;
    var voc = this.net.vocabulary;
    var index = voc.indexOf(event.key);
    if (index < 0) index = voc.indexOf(event.key.toUpperCase());
    if (index < 0) return;
    event.preventDefault();
    this.feed(index);
  };

  Object.defineProperty(Explorer.prototype, "stateless", {
    get: function () { return this.statelessBox.checked; }
  });

  /** Zero the state and forget the sequence. */
  Explorer.prototype.reset = function () {
    this.state = this.net.zeroState();
    this.fed = [];             // {symbol, next, cold} per step
    this.probabilities = null; // after the last symbol
    this.render();
  };

  /** Feed symbol number `index`, keeping the state (unless stateless is on). */
  Explorer.prototype.step = function (index) {
    var cold = this.stateless || this.fed.length === 0;
    var from = this.stateless ? this.net.zeroState() : this.state;
    var out = this.net.step(index, from);
    this.state = out.state;
    this.probabilities = out.probabilities;
    this.fed.push({ symbol: this.net.vocabulary[index], cold: cold,
                    next: this.net.vocabulary[argsort(out.probabilities)[0]] });
  };

  Explorer.prototype.feed = function (index) {
    this.step(index);
    this.render();
  };

  /** Reset, then feed every symbol of `text`. */
  Explorer.prototype.run = function (text) {
    var voc = this.net.vocabulary;
    this.reset();
    Array.from(text).forEach(function (s) { this.step(voc.indexOf(s)); }, this);
    this.render();
  };

  /** Reset, feed the first symbol, then each prediction, until rolloutLength symbols. */
  Explorer.prototype.rollout = function () {
    this.reset();
    this.step(0);
    while (this.fed.length < this.rolloutLength - 1) {
      this.step(argsort(this.probabilities)[0]);
    }
    this.render();
  };

  function paint(strip, cells, values, range, name) {
    var low = Math.min.apply(null, values);
    var high = Math.max.apply(null, values);
    strip.setAttribute("aria-label", strip.getAttribute("data-label") + ", " + values.length +
                       " units: " + (low === 0 && high === 0 ? "all zero"
                                     : "from " + low.toFixed(2) + " to " + high.toFixed(2)));
    values.forEach(function (v, j) {
      var a = Math.min(1, Math.abs(v) / range);
      cells[j].style.setProperty("--ax-a", a.toFixed(3));
      cells[j].className = "ax-cell " + (v > 0 ? "ax-pos" : v < 0 ? "ax-neg" : "ax-zero");
      cells[j].title = name + "[" + j + "] = " + v.toFixed(4);
    });
  }

  Explorer.prototype.render = function () {
    var voc = this.net.vocabulary;
    var p = this.probabilities;
    var h = this.state.h;
    var c = this.state.c;

    paint(this.hStrip, this.hCells, h, H_RANGE, "h");
    paint(this.cStrip, this.cCells, c, C_RANGE, "c");

    this.top.textContent = "";
    if (p) {
      var order = argsort(p);
      this.nextSymbol.textContent = voc[order[0]];
      order.slice(0, 3).forEach(function (i) {
        this.top.appendChild(el("li", null,
          el("span", { class: "ax-top-symbol" }, voc[i]),
          el("span", { class: "ax-bar", "aria-hidden": "true" },
             el("span", { class: "ax-bar-fill", style: "width: " + (100 * p[i]).toFixed(1) + "%" })),
          el("span", { class: "ax-top-p" }, percent(p[i]))));
      }, this);
    } else {
      this.nextSymbol.textContent = "\u2014";
      this.top.appendChild(el("li", { class: "ax-note" }, "press a letter to start"));
    }

    this.history.textContent = "";
    this.fed.forEach(function (step) {
      this.history.appendChild(el("li", { class: step.cold ? "ax-cold" : null,
                                          "aria-label": step.symbol + ", then " + step.next +
                                          (step.cold ? " (from a zero state)" : "") },
                                  el("span", { class: "ax-fed" }, step.symbol),
                                  el("span", { class: "ax-fed-next" }, step.next)));
    }, this);
    if (!this.fed.length) {
      this.history.appendChild(el("li", { class: "ax-empty" }, "nothing yet"));
    }

    var d = this.root.dataset;
    d.sequence = this.fed.map(function (s) { return s.symbol; }).join("");
    d.prediction = p ? voc[argsort(p)[0]] : "";
    d.probabilities = JSON.stringify(p || []);
    d.h = JSON.stringify(h);
    d.c = JSON.stringify(c);
    d.stateless = String(this.stateless);
  };

  /** A copy of what the explorer shows (for tests and the console). */
  Explorer.prototype.snapshot = function () {
    return {
      sequence: this.root.dataset.sequence,
      prediction: this.root.dataset.prediction,
      stateless: this.stateless,
      probabilities: this.probabilities ? this.probabilities.slice() : [],
      h: this.state.h.slice(),
      c: this.state.c.slice()
    };
  };

  function start() {
    var roots = document.querySelectorAll(".alphalstm-explorer");
    Array.prototype.forEach.call(roots, function (root) {
      if (root.alphalstmExplorer) return;
      try {
        var explorer = new Explorer(root);
        Object.defineProperty(root, "alphalstmExplorer", {
          value: Object.freeze({ snapshot: explorer.snapshot.bind(explorer) })
        });
      } catch (err) {
        root.textContent = "";
        root.appendChild(el("p", { class: "ax-error", role: "alert" },
                            "The explorer could not start: " + err.message));
        if (window.console) console.error("alphalstm explorer:", err);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
