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
 * Optional attributes of the div:
 *
 *   data-title            the explorer's name (default: the model's title)
 *   data-rollout-length   how many symbols "roll out" writes, 2 to 1000
 *                         (default: the vocabulary's length)
 *   data-rollout-label    the rollout button's label
 *   data-cold             one symbol: the "cold start" button (default "K")
 *   data-warmup           the "warm up" button's symbols, ending with the
 *                         cold-start symbol (default "ABCDEFGHIJK")
 *   data-examples         the guided buttons, as JSON; replaces the three
 *                         above. A list of {"id", "label", "feed" or
 *                         "rollout", "note", "expect"}: each button resets
 *                         the state, then feeds the symbols of "feed" (or
 *                         rolls out "rollout" symbols from the first one),
 *                         then shows "note" in one line, with {answer} (the
 *                         predicted next symbol, or the whole rollout) and
 *                         {second} (the second most probable next symbol)
 *                         filled in. If "expect" is given and the network
 *                         answers something else, the line says so.
 *   data-stateless-note   shown next to the "stateless" switch while it is
 *                         on (stateful networks only)
 *
 * Everything is checked before the explorer starts: the attributes, and the
 * model's format, activations and every weight's shape. If anything is
 * wrong, the div shows what (role="alert", class "ax-error") and no buttons.
 * The script can be included several times on a page: each div is started
 * once, and every id it creates is unique on the page.
 *
 * After every step the div carries its state for tests and curious readers:
 * data-sequence, data-prediction, data-probabilities, data-h, data-c (JSON,
 * full precision), and div.alphalstmExplorer.snapshot() returns the same.
 * data-status is "ready" once it runs, "error" if it could not start.
 */
(function () {
  "use strict";

  var FORMAT = "alphalstm-lstm/1";
  var KERAS_GATE_ORDER = ["input", "forget", "cell", "output"];
  var H_RANGE = 1; // the colour of h saturates at +-1 (h is in (-1, 1))
  var C_RANGE = 3; // ... and the colour of c at +-3
  var MAX_STEPS = 1000; // the longest rollout or example an attribute may ask for
  var MAX_EXAMPLES = 12;
  var EXAMPLE_KEYS = ["id", "label", "feed", "rollout", "note", "expect"];
  var PLACEHOLDERS = ["answer", "second"];
  // The attributes a page may set (dataset names); the explorer writes the others.
  var SETTINGS = ["model", "title", "rolloutLength", "rolloutLabel", "cold", "warmup",
                  "examples", "statelessNote"];

  // ------------------------------------------------------------ the checks

  /** A configuration problem, shown to the reader inside the explorer. */
  function ConfigError(where, problems) {
    this.name = "ConfigError";
    this.where = where;
    this.problems = problems;
    this.message = where + ": " + problems.join("; ");
  }
  ConfigError.prototype = Object.create(Error.prototype);
  ConfigError.prototype.constructor = ConfigError;

  /** Collects problems, then throws them all at once. */
  function Problems(where) {
    this.where = where;
    this.list = [];
  }
  Problems.prototype.add = function (message) {
    this.list.push(message);
    return false;
  };
  Problems.prototype.check = function (ok, message) {
    return ok ? true : this.add(message);
  };
  Problems.prototype.throwIfAny = function () {
    if (this.list.length) throw new ConfigError(this.where, this.list);
  };

  function isObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }

  function isFiniteNumber(v) {
    return typeof v === "number" && isFinite(v);
  }

  function isPositiveInteger(v) {
    return typeof v === "number" && Math.floor(v) === v && v >= 1;
  }

  function quote(v) {
    return v === undefined ? "missing" : JSON.stringify(v);
  }

  /** What is wrong with `value` as a list of n finite numbers, or null. */
  function vectorProblem(value, n) {
    if (!Array.isArray(value)) return "is not a list of numbers";
    if (value.length !== n) return "has " + value.length + " numbers, expected " + n;
    if (!value.every(isFiniteNumber)) return "has an entry that is not a finite number";
    return null;
  }

  /** What is wrong with `value` as a rows x cols matrix of finite numbers, or null. */
  function matrixProblem(value, rows, cols) {
    if (!Array.isArray(value) || !value.every(Array.isArray)) return "is not a list of rows";
    var widths = value.map(function (r) { return r.length; })
      .filter(function (w, i, all) { return all.indexOf(w) === i; });
    var shape = value.length + " x " + (widths.length === 1 ? widths[0]
                                        : widths.length ? "(rows of different lengths)" : 0);
    if (value.length !== rows || widths.length !== 1 || widths[0] !== cols) {
      return "is " + shape + ", expected " + rows + " x " + cols;
    }
    if (!value.every(function (r) { return r.every(isFiniteNumber); })) {
      return "has an entry that is not a finite number";
    }
    return null;
  }

  function checkShape(problems, name, problem) {
    return problem ? problems.add(name + " " + problem) : true;
  }

  /** The vocabulary as a list of one-character symbols, or null. */
  function checkVocabulary(vocabulary, problems) {
    var symbols = typeof vocabulary === "string" ? Array.from(vocabulary)
                  : Array.isArray(vocabulary) ? vocabulary : null;
    if (!problems.check(symbols && symbols.length >= 2,
                        "vocabulary is not a list of at least two symbols")) return null;
    var ok = symbols.every(function (s, i) {
      return typeof s === "string" && Array.from(s).length === 1 && symbols.indexOf(s) === i;
    });
    return problems.check(ok, "vocabulary must hold distinct one-character symbols")
      ? symbols : null;
  }

  /** The number of input features of the model's encoding, or null. */
  function checkEncoding(encoding, vocabulary, problems) {
    var kind = isObject(encoding) ? encoding.kind : undefined;
    if (kind === "onehot") return vocabulary ? vocabulary.length : null;
    if (kind === "scalar") {
      return problems.check(isFiniteNumber(encoding.scale) && isFiniteNumber(encoding.shift),
                            "encoding.scale and encoding.shift must be numbers") ? 1 : null;
    }
    return problems.add("encoding.kind is " + quote(kind) + ", not \"onehot\" or \"scalar\"");
  }

  function checkLstm(lstm, features, problems) {
    if (!problems.check(isObject(lstm), "lstm is missing")) return null;
    var units = lstm.units;
    problems.check(Array.isArray(lstm.gate_order) &&
                   lstm.gate_order.join() === KERAS_GATE_ORDER.join(),
                   "lstm.gate_order is " + quote(lstm.gate_order) + ", not Keras' " +
                   KERAS_GATE_ORDER.join(", "));
    // The step below implements exactly these two; anything else would give wrong numbers.
    problems.check(lstm.recurrent_activation === "sigmoid",
                   "lstm.recurrent_activation is " + quote(lstm.recurrent_activation) +
                   ": the explorer implements \"sigmoid\" only");
    problems.check(lstm.activation === "tanh", "lstm.activation is " + quote(lstm.activation) +
                   ": the explorer implements \"tanh\" only");
    if (!problems.check(isPositiveInteger(units),
                        "lstm.units is " + quote(units) + ", not a positive integer")) return null;
    if (features) {
      checkShape(problems, "lstm.kernel", matrixProblem(lstm.kernel, features, 4 * units));
    }
    checkShape(problems, "lstm.recurrent_kernel",
               matrixProblem(lstm.recurrent_kernel, units, 4 * units));
    checkShape(problems, "lstm.bias", vectorProblem(lstm.bias, 4 * units));
    return units;
  }

  function checkDense(dense, units, vocabulary, problems) {
    if (!problems.check(isObject(dense), "dense is missing")) return;
    problems.check(dense.activation === "softmax", "dense.activation is " +
                   quote(dense.activation) + ": the explorer implements \"softmax\" only");
    if (!units || !vocabulary) return;
    checkShape(problems, "dense.kernel", matrixProblem(dense.kernel, units, vocabulary.length));
    checkShape(problems, "dense.bias", vectorProblem(dense.bias, vocabulary.length));
  }

  /** Keras' test vectors: one row of probabilities, h and c per symbol of each sequence. */
  function checkTests(tests, units, vocabulary, problems) {
    if (tests === undefined) return;
    if (!problems.check(Array.isArray(tests), "tests is not a list")) return;
    if (!units || !vocabulary) return;
    tests.forEach(function (t, i) {
      var name = "tests[" + i + "]";
      if (!problems.check(isObject(t) && typeof t.sequence === "string" && t.sequence.length > 0,
                          name + ".sequence is not a non-empty string")) return;
      var seq = Array.from(t.sequence);
      problems.check(seq.every(function (s) { return vocabulary.indexOf(s) >= 0; }),
                     name + ".sequence has a symbol outside the vocabulary");
      checkShape(problems, name + ".probabilities",
                 matrixProblem(t.probabilities, seq.length, vocabulary.length));
      checkShape(problems, name + ".h", matrixProblem(t.h, seq.length, units));
      checkShape(problems, name + ".c", matrixProblem(t.c, seq.length, units));
    });
  }

  /** Throws a ConfigError listing everything wrong with an exported model. */
  function checkModel(model, where) {
    var problems = new Problems(where);
    if (!problems.check(isObject(model), "is not a JSON object")) problems.throwIfAny();
    // Another format may use the same names for other things: check nothing else.
    problems.check(model.format === FORMAT, "format is " + quote(model.format) + ", not \"" +
                   FORMAT + "\"");
    problems.throwIfAny();
    var vocabulary = checkVocabulary(model.vocabulary, problems);
    var features = checkEncoding(model.encoding, vocabulary, problems);
    var units = checkLstm(model.lstm, features, problems);
    checkDense(model.dense, units, vocabulary, problems);
    problems.check(typeof model.stateful === "boolean", "stateful is not true or false");
    checkTests(model.tests, units, vocabulary, problems);
    problems.throwIfAny();
  }

  // ------------------------------------------------------------ the network

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

  /** One LSTM layer and a softmax layer, in float64, one symbol at a time. */
  function Network(model, where) {
    checkModel(model, where);
    this.model = model;
    this.vocabulary = Array.from(model.vocabulary);
    this.units = model.lstm.units;
    this.stateful = model.stateful;
  }

  /** The input features of symbol number `index`, as in alphalstm's framings. */
  Network.prototype.features = function (index) {
    var enc = this.model.encoding;
    if (enc.kind === "scalar") return [(index + enc.shift) * enc.scale];
    var x = zeros(this.vocabulary.length);
    x[index] = 1;
    return x;
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
    if (!(index >= 0 && index < this.vocabulary.length)) {
      throw new RangeError("no symbol number " + index); // the checks make this unreachable
    }
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

  // ------------------------------------------------- the page's attributes

  function attributeName(key) {
    return "data-" + key.replace(/[A-Z]/g, function (m) { return "-" + m.toLowerCase(); });
  }

  function describeVocabulary(vocabulary) {
    var all = vocabulary.join("");
    return all.length <= 40 ? all : vocabulary.length + " symbols";
  }

  /** The symbols of `text` if all are in the vocabulary and there are min..max of them. */
  function symbolsOf(text, name, vocabulary, min, max, problems) {
    var symbols = Array.from(text);
    var unknown = symbols.filter(function (s) { return vocabulary.indexOf(s) < 0; });
    if (unknown.length) {
      return problems.add(name + " is " + quote(text) + ": " + quote(unknown[0]) +
                          " is not a symbol of this network (" +
                          describeVocabulary(vocabulary) + ")");
    }
    if (symbols.length < min || symbols.length > max) {
      return problems.add(name + " is " + quote(text) + ": expected " +
                          (min === max ? min : min + " to " + max) + " symbols");
    }
    return symbols;
  }

  /** A whole number from min to max, written in digits, or false. */
  function integerOf(text, name, min, max, problems) {
    var ok = /^\s*\d+\s*$/.test(text) && +text >= min && +text <= max;
    return ok ? +text : problems.add(name + " is " + quote(text) + ": expected a whole number " +
                                     "from " + min + " to " + max);
  }

  function textOf(text, name, problems) {
    return text.trim() ? text : problems.add(name + " is empty");
  }

  /** What to show for a reset-then-feed or rollout button. */
  function describeExample(example, vocabulary) {
    return example.rollout
      ? "reset, feed " + vocabulary[0] + ", then feed back every prediction, " +
        example.rollout + " symbols in all"
      : "reset, then feed " + example.feed.join("");
  }

  function checkNote(note, name, problems) {
    if (!problems.check(typeof note === "string", name + " is not a string")) return;
    (note.match(/\{[^}]*\}/g) || []).forEach(function (p) {
      problems.check(PLACEHOLDERS.indexOf(p.slice(1, -1)) >= 0, name + " has " + p +
                     ", which is not one of {" + PLACEHOLDERS.join("}, {") + "}");
    });
  }

  /** One entry of data-examples, checked; `ids` holds the ids already taken. */
  function checkExample(entry, i, vocabulary, ids, problems) {
    var name = "data-examples[" + i + "]";
    if (!problems.check(isObject(entry), name + " is not an object")) return null;
    Object.keys(entry).forEach(function (key) {
      problems.check(EXAMPLE_KEYS.indexOf(key) >= 0, name + " has an unknown key " + quote(key) +
                     " (known: " + EXAMPLE_KEYS.join(", ") + ")");
    });
    var ex = { id: entry.id === undefined ? "example-" + (i + 1) : entry.id, label: entry.label,
               note: entry.note === undefined ? "" : entry.note, expect: entry.expect };
    if (problems.check(typeof ex.id === "string" && /^[a-z][a-z0-9-]*$/.test(ex.id),
                       name + ".id is " + quote(ex.id) + ": expected lower-case letters, " +
                       "digits and dashes")) {
      problems.check(ids.indexOf(ex.id) < 0, name + ".id " + quote(ex.id) + " is used twice");
      ids.push(ex.id);
    }
    problems.check(typeof ex.label === "string" && ex.label.trim() !== "",
                   name + ".label is missing or empty");
    checkNote(ex.note, name + ".note", problems);
    if (!problems.check(("feed" in entry) !== ("rollout" in entry),
                        name + " needs either \"feed\" or \"rollout\"")) return null;
    var answerLength = 1;
    if ("feed" in entry) {
      ex.feed = typeof entry.feed === "string"
        ? symbolsOf(entry.feed, name + ".feed", vocabulary, 1, MAX_STEPS, problems)
        : problems.add(name + ".feed is not a string");
    } else {
      ex.rollout = isPositiveInteger(entry.rollout) && entry.rollout >= 2 &&
                   entry.rollout <= MAX_STEPS ? entry.rollout
        : problems.add(name + ".rollout is " + quote(entry.rollout) + ": expected a whole " +
                       "number from 2 to " + MAX_STEPS);
      answerLength = ex.rollout || 0;
    }
    if (ex.expect !== undefined && answerLength) {
      if (typeof ex.expect !== "string") {
        problems.add(name + ".expect is not a string");
      } else {
        symbolsOf(ex.expect, name + ".expect", vocabulary, answerLength, answerLength, problems);
      }
    }
    return ex;
  }

  function parseExamples(text, vocabulary, problems) {
    var list;
    try {
      list = JSON.parse(text);
    } catch (err) {
      return problems.add("data-examples is not valid JSON (" + err.message + ")");
    }
    if (!problems.check(Array.isArray(list) && list.length >= 1 && list.length <= MAX_EXAMPLES,
                        "data-examples is not a list of 1 to " + MAX_EXAMPLES + " examples")) {
      return false;
    }
    var ids = [];
    return list.map(function (entry, i) {
      return checkExample(entry, i, vocabulary, ids, problems);
    });
  }

  /** The guided buttons when the page gives no data-examples. */
  function defaultExamples(s, vocabulary) {
    var examples = [{ id: "rollout", label: s.rolloutLabel, rollout: s.rolloutLength,
                      note: "Every prediction fed back in, from " + vocabulary[0] +
                            ": the network writes {answer}." },
                    { id: "cold", label: "cold start from " + s.cold, feed: [s.cold],
                      note: "A zero state, then " + s.cold + ": the network answers {answer}." }];
    if (s.warmup.length >= 2) {
      var before = s.warmup.slice(0, -1);
      var range = before.length > 1 ? before[0] + "\u2026" + before[before.length - 1]
                                    : before[0];
      examples.push({ id: "warmup", label: "warm up " + range + ", then " + s.cold,
                      feed: s.warmup,
                      note: range + ", then " + s.cold + ": the network answers {answer}." });
    }
    return examples;
  }

  /** Every setting of the explorer from the div's data- attributes, checked. */
  function readSettings(root, net) {
    var d = root.dataset;
    var voc = net.vocabulary;
    var problems = new Problems("the explorer's attributes");
    Object.keys(d).forEach(function (key) {
      if (key === "status") return; // set by startOne
      problems.check(SETTINGS.indexOf(key) >= 0, "unknown attribute " + attributeName(key) +
                     " (known: " + SETTINGS.map(attributeName).join(", ") + ")");
    });
    var has = function (key) { return d[key] !== undefined; };
    var s = {
      title: has("title") ? textOf(d.title, "data-title", problems)
                          : net.model.title || net.model.name || "LSTM explorer",
      rolloutLength: has("rolloutLength")
        ? integerOf(d.rolloutLength, "data-rollout-length", 2, MAX_STEPS, problems) : voc.length,
      rolloutLabel: has("rolloutLabel") ? textOf(d.rolloutLabel, "data-rollout-label", problems)
                                        : "roll out from " + voc[0],
      cold: voc[Math.min(10, voc.length - 1)],
      statelessNote: has("statelessNote")
        ? textOf(d.statelessNote, "data-stateless-note", problems) : null
    };
    if (has("cold")) {
      var cold = symbolsOf(d.cold, "data-cold", voc, 1, 1, problems);
      s.cold = cold ? cold[0] : s.cold;
    }
    s.warmup = voc.slice(0, voc.indexOf(s.cold) + 1);
    if (has("warmup")) {
      var warmup = symbolsOf(d.warmup, "data-warmup", voc, 2, MAX_STEPS, problems);
      if (warmup && problems.check(warmup[warmup.length - 1] === s.cold,
                                   "data-warmup is " + quote(d.warmup) + ": it must end with " +
                                   "the cold-start symbol " + s.cold)) {
        s.warmup = warmup;
      }
    }
    if (s.statelessNote && !net.stateful) {
      problems.add("data-stateless-note is for a stateful network; this one is stateless");
    }
    s.examples = has("examples") ? parseExamples(d.examples, voc, problems)
                                 : defaultExamples(s, voc);
    problems.throwIfAny();
    return s;
  }

  /** The model's JSON, from the element that data-model names. */
  function readModel(root) {
    var id = root.dataset.model;
    var problems = new Problems("the explorer's attributes");
    if (!problems.check(id, "data-model is missing: it names the element that holds the " +
                        "model's JSON")) problems.throwIfAny();
    var spec = document.getElementById(id);
    if (!problems.check(spec, "data-model is " + quote(id) + ", but the page has no element " +
                        "with that id")) problems.throwIfAny();
    try {
      return JSON.parse(spec.textContent);
    } catch (err) {
      throw new ConfigError("the model #" + id, ["is not valid JSON (" + err.message + ")"]);
    }
  }

  // ------------------------------------------------------------ the page

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

  /**
   * A prefix for the ids of one explorer, unused on the page and by every
   * copy of this script (the registry lives on window, shared by all).
   */
  function uniquePrefix(base) {
    var taken = window.alphalstmExplorerIds || (window.alphalstmExplorerIds = {});
    var clean = "ax-" + String(base || "explorer").replace(/[^A-Za-z0-9_-]/g, "-");
    var prefix = clean;
    for (var n = 2; taken[prefix] || document.querySelector('[id^="' + prefix + '-"]'); n++) {
      prefix = clean + "-" + n;
    }
    taken[prefix] = true;
    return prefix;
  }

  function percent(p) {
    return (100 * p).toFixed(1) + "\u00a0%";
  }

  function signed(v) {
    return (v < 0 ? "\u2212" : "") + Math.abs(v).toFixed(2);
  }

  function argsort(values) {
    return values.map(function (v, i) { return i; })
      .sort(function (a, b) { return values[b] - values[a]; });
  }

  /** A colour key: -range, a bar from blue through the background to red, +range. */
  function colourKey(range) {
    return el("span", { class: "ax-colour-key", "aria-hidden": "true" },
              el("span", null, "\u2212" + range), el("span", { class: "ax-legend-bar" }),
              el("span", null, "+" + range));
  }

  /** Colour one square by a value: its sign picks the colour, |value| / range its strength. */
  function colour(cell, value, range) {
    cell.style.setProperty("--ax-a", Math.min(1, Math.abs(value) / range).toFixed(3));
    cell.classList.remove("ax-pos", "ax-neg", "ax-zero");
    cell.classList.add(value > 0 ? "ax-pos" : value < 0 ? "ax-neg" : "ax-zero");
  }

  function Explorer(root) {
    this.root = root;
    var model = readModel(root);
    this.net = new Network(model, "the model #" + root.dataset.model);
    this.settings = readSettings(root, this.net);
    this.prefix = uniquePrefix(root.dataset.model);
    this.build();
    this.reset();
  }

  Explorer.prototype.build = function () {
    var root = this.root;
    root.textContent = "";
    root.setAttribute("tabindex", "0");
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", this.settings.title + ": press a letter to feed it to the " +
                      "network, Escape to reset the state");
    root.appendChild(this.buildHeading());
    root.appendChild(this.buildKeys());
    root.appendChild(this.buildControls());
    root.appendChild(this.buildGuided());
    root.appendChild(this.buildOutput());
    root.appendChild(this.buildStrips());
    root.appendChild(this.buildHeatmap());
    var self = this;
    root.addEventListener("keydown", function (event) { self.onKey(event); });
  };

  Explorer.prototype.buildHeading = function () {
    var net = this.net;
    return el("div", { class: "ax-title", id: this.prefix + "-title" }, this.settings.title,
              el("span", { class: "ax-badge" },
                 (net.stateful ? "stateful, " : "stateless, ") + net.units + " units"));
  };

  /** One button per symbol. */
  Explorer.prototype.buildKeys = function () {
    var self = this;
    var keys = el("div", { class: "ax-keys", role: "group", "aria-label": "feed a letter" });
    this.net.vocabulary.forEach(function (symbol, index) {
      var b = el("button", { type: "button", class: "ax-btn ax-key", "data-symbol": symbol,
                             "aria-label": "feed " + symbol }, symbol);
      b.addEventListener("click", function () { self.feed(index); });
      keys.appendChild(b);
    });
    return keys;
  };

  /** Reset, the stateless switch, and the note shown while it is on. */
  Explorer.prototype.buildControls = function () {
    var self = this;
    var net = this.net;
    var resetButton = el("button", { type: "button", class: "ax-btn ax-reset",
                                     "aria-label": "reset state: set h and c to zero" },
                         "reset state");
    resetButton.addEventListener("click", function () { self.reset(); });
    this.statelessBox = el("input", { type: "checkbox", class: "ax-stateless",
                                      id: this.prefix + "-stateless" });
    if (!net.stateful) {
      this.statelessBox.checked = true;
      this.statelessBox.disabled = true;
    }
    this.statelessBox.addEventListener("change", function () {
      self.showLine(null);
      self.render();
    });
    var switchLabel = el("label", { class: "ax-switch", for: this.prefix + "-stateless" },
                         this.statelessBox,
                         el("span", { class: "ax-switch-text" },
                            "stateless: zero the state before each letter",
                            net.stateful ? null
                                         : el("span", { class: "ax-note" },
                                              " (this network was trained that way)")));
    this.statelessNote = this.settings.statelessNote
      ? el("p", { class: "ax-stateless-note", "aria-live": "polite", hidden: "" },
           this.settings.statelessNote)
      : null;
    return el("div", { class: "ax-controls" }, resetButton, switchLabel, this.statelessNote);
  };

  /** The guided buttons, and the line each one leaves. */
  Explorer.prototype.buildGuided = function () {
    var self = this;
    var voc = this.net.vocabulary;
    var guided = el("div", { class: "ax-guided", role: "group", "aria-label": "guided examples" },
                    el("span", { class: "ax-label" }, "Guided examples:"));
    this.settings.examples.forEach(function (ex) {
      var what = describeExample(ex, voc);
      var b = el("button", { type: "button", class: "ax-btn ax-example", "data-example": ex.id,
                             "data-feed": ex.feed ? ex.feed.join("") : null,
                             "data-rollout": ex.rollout || null,
                             title: what, "aria-label": ex.label + ": " + what }, ex.label);
      b.addEventListener("click", function () { self.runExample(ex); });
      guided.appendChild(b);
    });
    this.line = el("p", { class: "ax-example-line", role: "status" });
    return el("div", { class: "ax-guided-box" }, guided, this.line);
  };

  /** The prediction and the history. */
  Explorer.prototype.buildOutput = function () {
    this.nextSymbol = el("span", { class: "ax-next-symbol" });
    this.top = el("ol", { class: "ax-top", "aria-label": "the three most probable next letters" });
    var prediction = el("div", { class: "ax-prediction", "aria-live": "polite",
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
    return el("div", { class: "ax-output" }, prediction, historyBox);
  };

  /** The state after the last step: one strip for h, one for c. */
  Explorer.prototype.buildStrips = function () {
    var self = this;
    var units = this.net.units;
    var strips = el("div", { class: "ax-strips", style: "--ax-units: " + units });
    [["h", "hidden state h", H_RANGE], ["c", "cell state c", C_RANGE]].forEach(function (s) {
      var strip = el("div", { class: "ax-strip ax-strip-" + s[0], role: "img",
                              "data-label": s[1] });
      var cells = [];
      for (var j = 0; j < units; j++) {
        cells.push(strip.appendChild(el("span", { class: "ax-cell" })));
      }
      self[s[0] + "Strip"] = { strip: strip, cells: cells, range: s[2], name: s[0] };
      strips.appendChild(el("div", { class: "ax-strip-label" }, s[1],
                            el("span", { class: "ax-note" }, " (colour at \u00b1" + s[2] + ")")));
      strips.appendChild(strip);
    });
    strips.appendChild(el("div", { class: "ax-legend", "aria-hidden": "true" },
                          el("span", null, "negative"), el("span", { class: "ax-legend-bar" }),
                          el("span", null, "positive")));
    return strips;
  };

  /**
   * The history of the state: for h and for c, one row per symbol fed (top:
   * the first) and one column per unit, coloured like the strips. Each panel
   * scrolls vertically in its own box; the two scroll together.
   */
  Explorer.prototype.buildHeatmap = function () {
    var self = this;
    var units = this.net.units;
    var panels = el("div", { class: "ax-heat-panels" });
    var scrollers = [];
    this.heat = {};
    [["h", "hidden state h", H_RANGE], ["c", "cell state c", C_RANGE]].forEach(function (s) {
      var rows = el("div", { class: "ax-heat-rows", role: "img" });
      var axis = el("div", { class: "ax-heat-row ax-heat-axis", "aria-hidden": "true" },
                    el("span", { class: "ax-heat-corner" }),
                    el("span", { class: "ax-heat-xlabel" }, el("span", null, "0"),
                       el("span", null, "unit \u2192"), el("span", null, String(units - 1))));
      var scroller = el("div", { class: "ax-heat-scroll", tabindex: "0", role: "region",
                                 "aria-label": s[1] + " after each step, scrollable" },
                        axis, rows);
      scrollers.push(scroller);
      self.heat[s[0]] = { rows: rows, scroller: scroller, range: s[2], label: s[1], count: 0 };
      panels.appendChild(el("div", { class: "ax-heat-panel ax-heat-" + s[0] },
                            el("div", { class: "ax-heat-head" },
                               el("span", { class: "ax-heat-name" }, s[1]), colourKey(s[2])),
                            el("div", { class: "ax-heat-frame" },
                               el("span", { class: "ax-heat-ylabel", "aria-hidden": "true" },
                                  "step (symbol fed) \u2192"),
                               scroller)));
    });
    scrollers.forEach(function (a) {
      a.addEventListener("scroll", function () {
        scrollers.forEach(function (b) {
          if (b !== a && Math.abs(b.scrollTop - a.scrollTop) > 1) b.scrollTop = a.scrollTop;
        });
      });
    });
    return el("div", { class: "ax-heat", style: "--ax-units: " + units },
              el("div", { class: "ax-label" }, "State after each step ",
                 el("span", { class: "ax-note" },
                    "(one row per symbol fed, the latest at the bottom; one column per unit; " +
                    "hover over a square to read its value)")),
              panels);
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
  Explorer.prototype.clear = function () {
    this.state = this.net.zeroState();
    this.fed = [];             // {symbol, next, cold, h, c} per step
    this.probabilities = null; // after the last symbol
  };

  Explorer.prototype.reset = function () {
    this.clear();
    this.showLine(null);
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
                    next: this.net.vocabulary[argsort(out.probabilities)[0]],
                    h: out.state.h, c: out.state.c });
  };

  Explorer.prototype.feed = function (index) {
    this.step(index);
    this.showLine(null);
    this.render();
  };

  /**
   * Run a guided example from a zero state, with the state carried (each
   * example's note describes a stateful run), then show its line.
   */
  Explorer.prototype.runExample = function (ex) {
    var voc = this.net.vocabulary;
    if (this.net.stateful) this.statelessBox.checked = false;
    this.clear();
    if (ex.rollout) {
      this.step(0);
      while (this.fed.length < ex.rollout - 1) this.step(argsort(this.probabilities)[0]);
    } else {
      ex.feed.forEach(function (s) { this.step(voc.indexOf(s)); }, this);
    }
    var order = argsort(this.probabilities);
    var answer = ex.rollout ? this.sequence() + voc[order[0]] : voc[order[0]];
    var text = ex.note.replace(/\{answer\}/g, answer).replace(/\{second\}/g, voc[order[1]]);
    this.showLine(ex, text, ex.expect !== undefined && answer !== ex.expect
                            ? " (This example expects " + ex.expect + ".)" : "");
    this.render();
  };

  /** The line under the guided buttons: the example's label, its note, any surprise. */
  Explorer.prototype.showLine = function (ex, text, surprise) {
    this.line.textContent = "";
    this.root.dataset.example = ex ? ex.id : "";
    if (!ex) return;
    this.line.appendChild(el("strong", { class: "ax-example-label" }, ex.label));
    this.line.appendChild(document.createTextNode(" \u2014 "));
    this.line.appendChild(el("span", { class: "ax-example-text" }, text));
    if (surprise) this.line.appendChild(el("span", { class: "ax-unexpected" }, surprise));
  };

  Explorer.prototype.sequence = function () {
    return this.fed.map(function (s) { return s.symbol; }).join("");
  };

  function paintStrip(strip, values) {
    var low = Math.min.apply(null, values);
    var high = Math.max.apply(null, values);
    strip.strip.setAttribute("aria-label", strip.strip.getAttribute("data-label") + ", " +
                             values.length + " units: " +
                             (low === 0 && high === 0 ? "all zero"
                                                      : "from " + low.toFixed(2) + " to " +
                                                        high.toFixed(2)));
    values.forEach(function (v, j) {
      colour(strip.cells[j], v, strip.range);
      strip.cells[j].title = strip.name + "[" + j + "] = " + v.toFixed(4);
    });
  }

  /** Bring one heatmap panel up to date with `fed`: rows are only added or all cleared. */
  function paintHeat(panel, fed, name) {
    if (panel.count > fed.length) {
      panel.rows.textContent = "";
      panel.count = 0;
    }
    var added = panel.count < fed.length;
    for (var t = panel.count; t < fed.length; t++) {
      var step = fed[t];
      var row = el("div", { class: "ax-heat-row" + (step.cold ? " ax-cold" : "") },
                   el("span", { class: "ax-heat-symbol", title: "step " + (t + 1) + ": fed " +
                                step.symbol + (step.cold ? ", from a zero state" : "") },
                      step.symbol));
      step[name].forEach(function (v, j) {
        var cell = el("span", { class: "ax-heat-cell", "data-v": String(v),
                                title: "step " + (t + 1) + " (" + step.symbol + "), " + name +
                                       "[" + j + "] = " + v.toFixed(4) });
        colour(cell, v, panel.range);
        row.appendChild(cell);
      });
      panel.rows.appendChild(row);
    }
    panel.count = fed.length;
    var all = [].concat.apply([], fed.map(function (s) { return s[name]; }));
    panel.rows.setAttribute("aria-label", panel.label + " after each step: " +
                            (fed.length ? fed.length + " steps of " + fed[0][name].length +
                                          " units, from " + signed(Math.min.apply(null, all)) +
                                          " to " + signed(Math.max.apply(null, all))
                                        : "nothing fed yet"));
    if (added) panel.scroller.scrollTop = panel.scroller.scrollHeight; // show the latest
  }

  Explorer.prototype.renderPrediction = function () {
    var voc = this.net.vocabulary;
    var p = this.probabilities;
    this.top.textContent = "";
    if (!p) {
      this.nextSymbol.textContent = "\u2014";
      this.top.appendChild(el("li", { class: "ax-note" }, "press a letter to start"));
      return;
    }
    var order = argsort(p);
    this.nextSymbol.textContent = voc[order[0]];
    order.slice(0, 3).forEach(function (i) {
      this.top.appendChild(el("li", null,
        el("span", { class: "ax-top-symbol" }, voc[i]),
        el("span", { class: "ax-bar", "aria-hidden": "true" },
           el("span", { class: "ax-bar-fill", style: "width: " + (100 * p[i]).toFixed(1) + "%" })),
        el("span", { class: "ax-top-p" }, percent(p[i]))));
    }, this);
  };

  Explorer.prototype.renderHistory = function () {
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
  };

  Explorer.prototype.render = function () {
    var voc = this.net.vocabulary;
    var p = this.probabilities;
    paintStrip(this.hStrip, this.state.h);
    paintStrip(this.cStrip, this.state.c);
    paintHeat(this.heat.h, this.fed, "h");
    paintHeat(this.heat.c, this.fed, "c");
    this.renderPrediction();
    this.renderHistory();
    if (this.statelessNote) this.statelessNote.hidden = !this.stateless;

    var d = this.root.dataset;
    d.sequence = this.sequence();
    d.prediction = p ? voc[argsort(p)[0]] : "";
    d.probabilities = JSON.stringify(p || []);
    d.h = JSON.stringify(this.state.h);
    d.c = JSON.stringify(this.state.c);
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

  /** Instead of an explorer: what is wrong, and nothing to press. */
  function showError(root, err) {
    root.textContent = "";
    var box = el("div", { class: "ax-error", role: "alert" },
                 el("p", null, "The explorer could not start. " +
                    (err instanceof ConfigError ? "Problems with " + err.where + ":"
                                                : "Error: " + err.message)));
    if (err instanceof ConfigError) {
      box.appendChild(el.apply(null, ["ul", null].concat(err.problems.map(function (p) {
        return el("li", null, p);
      }))));
    }
    root.appendChild(box);
  }

  function startOne(root) {
    // Marked first: another copy of this script, or a second call, leaves it alone.
    root.setAttribute("data-status", "starting");
    try {
      var explorer = new Explorer(root);
      Object.defineProperty(root, "alphalstmExplorer", {
        value: Object.freeze({ snapshot: explorer.snapshot.bind(explorer) })
      });
      root.setAttribute("data-status", "ready");
    } catch (err) {
      showError(root, err);
      root.setAttribute("data-status", "error");
      if (window.console) console.error("alphalstm explorer:", err.message);
    }
  }

  function start() {
    var roots = document.querySelectorAll(".alphalstm-explorer");
    Array.prototype.forEach.call(roots, function (root) {
      if (!root.hasAttribute("data-status")) startOne(root);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
