// The bot editor: turns the server's read-only cards into form controls. The definition lives
// here as one object; every control writes into it, and the form's `definition` field (the
// "JSON" view) follows. The kinds and their fields come from the server's table (data-schema),
// so a kind this script has never heard of is still editable: its fields get a plain input
// (JSON when the value is not a string). Known fields get their own widget: options and cases
// as rows, the fields that name a step (next, default, on_fail) as a select of step ids.
(function () {
  "use strict";
  var form = document.getElementById("bot-form");
  if (!form || !window.JSON) { return; }
  var schema = JSON.parse(form.getAttribute("data-schema"));
  var S = JSON.parse(form.getAttribute("data-strings"));
  var errors = JSON.parse(form.getAttribute("data-errors") || "[]");
  var area = document.getElementById("definition");
  var graph = document.getElementById("bot-graph");
  var settings = document.getElementById("bot-settings");
  var addBox = document.getElementById("bot-add");
  var jsonBox = document.getElementById("bot-json-actions");
  var def = null, jsonDirty = false, uid = 0;

  function w(k) { return S.words[k] || k; }
  function fieldName(k) { return S.fields[k] || k; }
  function kindName(k) { return S.kinds[k] || k; }
  function valueName(k) { return S.values[k] || k; }
  function isLink(k) { return schema.links.indexOf(k) >= 0; }
  function kindFields(t) {
    for (var i = 0; i < schema.kinds.length; i++) { if (schema.kinds[i].type === t) { return schema.kinds[i].fields; } }
    return null;
  }
  function ids() { return Object.keys(def.steps); }
  function set(obj, key, v) { if (v === undefined || v === "") { delete obj[key]; } else { obj[key] = v; } }

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { e.textContent = attrs[k]; } else if (k === "class") { e.className = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (kids || []).forEach(function (c) { if (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); } });
    return e;
  }
  function bdi(text, ltr) { var b = el("bdi", { text: text }); if (ltr) { b.dir = "ltr"; } return b; }
  function label(id, text) { return el("label", { "for": id, text: text }); }
  function nextId() { uid += 1; return "be-" + uid; }

  function sync() { if (!jsonDirty) { area.value = JSON.stringify(def, null, 2); } }

  // A labelled control; `make(id)` builds it.
  function field(box, text, make, fixed) {
    var id = fixed || nextId();
    var wrap = el("div", { "class": "be-field" }, [label(id, text)]);
    wrap.appendChild(make(id));
    box.appendChild(wrap);
    return wrap;
  }
  function input(id, value, onInput, type) {
    var i = el("input", { id: id, type: type || "text", dir: "auto" });
    i.value = value === undefined || value === null ? "" : value;
    i.addEventListener("input", function () { onInput(i.value, i); });
    return i;
  }
  function area2(id, value, onInput) {
    var t = el("textarea", { id: id, rows: "2", dir: "auto" });
    t.value = value || "";
    t.addEventListener("input", function () { onInput(t.value, t); });
    return t;
  }
  function choice(id, values, current, onChange, blank, namer) {
    var s = el("select", { id: id });
    if (blank !== undefined) { s.appendChild(el("option", { value: "", text: blank })); }
    values.forEach(function (v) { s.appendChild(el("option", { value: v, text: (namer || valueName)(v) })); });
    s.value = current || "";
    s.addEventListener("change", function () { onChange(s.value); });
    return s;
  }
  // A select of step ids; a target that no longer exists stays, flagged.
  function stepChoice(id, current, onChange) {
    var all = ids();
    var s = choice(id, [], current, onChange, w("none"));
    all.forEach(function (k) { s.appendChild(el("option", { value: k, text: k })); });
    if (current && all.indexOf(current) < 0) {
      s.appendChild(el("option", { value: current, text: current + " (" + w("no_such_step") + ")" }));
      s.setAttribute("aria-invalid", "true");
    }
    s.value = current || "";
    return s;
  }
  function csv(text) { return text.split(/[,،]/).map(function (k) { return k.trim(); }).filter(Boolean); }

  function mainText(step) {
    var m = step.message;
    if (typeof step.text === "string") { return step.text; }
    if (typeof m === "string") { return m; }
    if (m && m.text && typeof m.text.body === "string") { return m.text.body; }
    if (m && m.type) { return "[" + m.type + "]"; }
    if (typeof step.label === "string") { return step.label; }
    if (typeof step.field === "string") { return step.field + " = " + JSON.stringify(step.value); }
    return "";
  }
  function links(step) {
    var out = [];
    Object.keys(step).forEach(function (k) {
      var v = step[k];
      if (isLink(k) && typeof v === "string") { out.push([fieldName(k), v]); }
      if (Array.isArray(v)) {
        v.forEach(function (row, i) {
          if (!row || typeof row.next !== "string") { return; }
          var name = row.title || row.label || row.id || (row.variable ? row.variable + " = " + JSON.stringify(row.equals) : k + "[" + i + "]");
          out.push([String(name), row.next]);
        });
      }
    });
    return out;
  }

  // The card's top: its id, kind, start mark, main text and connections.
  function summary(box, id) {
    var step = def.steps[id];
    box.textContent = "";
    var h = el("h3", { id: "h-" + id }, [bdi(id, true)]);
    var head = el("header", {}, [h, el("span", { "class": "badge", text: kindName(step.type) })]);
    if (def.start === id) { head.appendChild(el("span", { "class": "badge GREEN", text: w("start") })); }
    box.appendChild(head);
    box.appendChild(el("p", { "class": "main" }, [bdi(mainText(step))]));
    var ul = el("ul", { "class": "links" });
    links(step).forEach(function (l) {
      var broken = !Object.prototype.hasOwnProperty.call(def.steps, l[1]);
      var li = el("li", broken ? { "class": "broken" } : {}, [bdi(l[0]), " " + w("arrow") + " ", bdi(l[1], true)]);
      if (broken) { li.appendChild(document.createTextNode(" (" + w("no_such_step") + ")")); }
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }

  // Rows of objects (options, cases): each key of `keys` an input, `next` a step select.
  function rows(box, id, key, keys, blank) {
    var list = def.steps[id][key];
    if (!Array.isArray(list)) { list = def.steps[id][key] = []; }
    var fs = el("fieldset", { "class": "be-rows" }, [el("legend", { text: fieldName(key) })]);
    list.forEach(function (row, i) {
      var line = el("div", { "class": "be-row" });
      keys.forEach(function (k) {
        field(line, fieldName(k), function (fid) {
          if (k === "next") { return stepChoice(fid, row.next, function (v) { set(row, "next", v); changed(id); }); }
          var v = row[k];
          return input(fid, typeof v === "string" || v === undefined ? v : JSON.stringify(v), function (t) { set(row, k, t); changed(id); });
        }).setAttribute("data-field", k);
      });
      var rm = el("button", { type: "button", "class": "secondary small", text: w("remove"),
        "aria-label": w("remove") + " " + fieldName(key) + " " + (i + 1) });
      rm.addEventListener("click", function () { list.splice(i, 1); render(); });
      line.appendChild(rm);
      fs.appendChild(line);
    });
    var add = el("button", { type: "button", "class": "secondary small be-add-row", text: w("add_row") + ": " + fieldName(key) });
    add.addEventListener("click", function () {
      list.push(blank(list.length));
      render();
      var all = graph.querySelectorAll("[data-step='" + CSS.escape(id) + "'] .be-rows .be-row");
      var last = all[all.length - 1];
      if (last) { last.querySelector("input, select").focus(); }
    });
    fs.appendChild(add);
    box.appendChild(fs);
    return fs;
  }

  // One field of a step, with the widget its name calls for.
  function widget(box, id, key) {
    make(box, id, key).setAttribute("data-field", key);
  }
  function make(box, id, key) {
    var step = def.steps[id];
    var v = step[key];
    var done = function () { changed(id); };
    if (isLink(key)) {
      return field(box, fieldName(key), function (fid) { return stepChoice(fid, v, function (x) { set(step, key, x); done(); }); });
    }
    if (key === "options") {
      return rows(box, id, key, ["id", "title", "next"], function (n) { return { id: String(n + 1), title: "" }; });
    }
    if (key === "cases") {
      return rows(box, id, key, ["variable", "equals", "label", "next"], function () { return { variable: "", equals: "" }; });
    }
    if (key === "message" && step.type === "send") {
      if (v === undefined || (v && v.type === "text" && v.text && Object.keys(v).length === 2)) {
        return field(box, fieldName(key), function (fid) {
          return area2(fid, v && v.text.body, function (t) { set(step, key, t ? { type: "text", text: { body: t } } : ""); done(); });
        });
      }
      return field(box, w("message_json"), function (fid) {
        return area2(fid, JSON.stringify(v), function (t, node) {
          try { step[key] = JSON.parse(t); node.removeAttribute("aria-invalid"); done(); } catch (_) { node.setAttribute("aria-invalid", "true"); }
        });
      });
    }
    var choices = schema.choices[key];
    if (choices) {
      return field(box, fieldName(key), function (fid) {
        if (key === "assign") {
          return choice(fid, choices, v || "label_only", function (x) { set(step, key, x === "label_only" ? "" : x); done(); });
        }
        return choice(fid, choices, v, function (x) { set(step, key, x); done(); }, "—");
      });
    }
    if (key === "retry") {
      return field(box, fieldName(key), function (fid) {
        var i = input(fid, v, function (t) { set(step, key, t === "" ? "" : Number(t)); done(); }, "number");
        i.min = "0"; i.max = "5";
        return i;
      });
    }
    if (["text", "error", "message"].indexOf(key) >= 0 && (v === undefined || typeof v === "string")) {
      return field(box, fieldName(key), function (fid) { return area2(fid, v, function (t) { set(step, key, t); done(); }); });
    }
    // Any other field: a string as typed, or JSON when it reads as a number, object or list.
    return field(box, fieldName(key), function (fid) {
      return input(fid, typeof v === "string" || v === undefined ? v : JSON.stringify(v), function (t) {
        var parsed = t;
        try { var j = JSON.parse(t); if (typeof j !== "string") { parsed = j; } } catch (_) { parsed = t; }
        set(step, key, parsed);
        done();
      });
    });
  }

  function rename(old, fresh, node) {
    fresh = fresh.trim();
    if (fresh === old) { return; }
    if (!fresh || Object.prototype.hasOwnProperty.call(def.steps, fresh)) {
      node.setAttribute("aria-invalid", "true");
      node.nextSibling.textContent = w("taken");
      return;
    }
    var steps = {};
    ids().forEach(function (k) { steps[k === old ? fresh : k] = def.steps[k]; });
    def.steps = steps;
    ids().forEach(function (k) {
      var step = steps[k];
      Object.keys(step).forEach(function (f) {
        if (isLink(f) && step[f] === old) { step[f] = fresh; }
        if (Array.isArray(step[f])) { step[f].forEach(function (row) { if (row && row.next === old) { row.next = fresh; } }); }
      });
    });
    if (def.start === old) { def.start = fresh; }
    render();
    focusIn(fresh, ".be-id");
  }

  function card(id) {
    var step = def.steps[id];
    var mine = errors.filter(function (e) { return e.step === id; });
    var art = el("article", { "class": "step-card", "data-step": id, "aria-labelledby": "h-" + id });
    if (def.start === id) { art.classList.add("start"); }
    if (mine.length) { art.classList.add("has-error"); }
    var top = el("div", { "class": "be-summary" });
    summary(top, id);
    art.appendChild(top);
    if (mine.length) {
      art.appendChild(el("ul", { "class": "errors" }, mine.map(function (e) { return el("li", { text: e.text }); })));
    }
    var box = el("div", { "class": "be-fields" });
    field(box, w("step_id"), function (fid) {
      var i = input(fid, id, function () {}, "text");
      i.className = "be-id";
      i.dir = "ltr";
      i.addEventListener("change", function () { rename(id, i.value, i); });
      return i;
    }).appendChild(el("span", { "class": "field-error", "aria-live": "polite" }));
    (kindFields(step.type) || Object.keys(step).filter(function (k) { return k !== "type"; })).forEach(function (k) { widget(box, id, k); });
    art.appendChild(box);
    var acts = el("div", { "class": "actions" });
    if (def.start !== id) {
      var st = el("button", { type: "button", "class": "secondary small be-start", text: w("make_start") });
      st.addEventListener("click", function () { def.start = id; render(); focusIn(id, ".be-delete"); });
      acts.appendChild(st);
    }
    var del = el("button", { type: "button", "class": "secondary small be-delete", text: w("delete_step"),
      "aria-label": w("delete_step") + " " + id });
    del.addEventListener("click", function () {
      delete def.steps[id];
      if (def.start === id) { def.start = ids()[0] || ""; }
      render();
      var s = document.getElementById("be-kind");
      if (s) { s.focus(); }
    });
    acts.appendChild(del);
    art.appendChild(acts);
    return art;
  }

  function focusIn(id, css) {
    var c = graph.querySelector("[data-step='" + CSS.escape(id) + "'] " + css);
    if (c) { c.focus(); }
  }

  // A field of step `id` changed: its card's top, the lines and the JSON follow.
  function changed(id) {
    var c = graph.querySelector("[data-step='" + CSS.escape(id) + "'] .be-summary");
    if (c) { summary(c, id); }
    lines();
    sync();
  }

  // Each connection drawn as a curve from its line on the card to the card it leads to, when
  // the cards stand side by side (stacked on a phone, the lists say it alone).
  var NS = "http://www.w3.org/2000/svg";
  function lines() {
    var old = graph.querySelector("svg.be-lines");
    if (old) { old.remove(); }
    var cards = graph.querySelectorAll(".step-card");
    if (cards.length < 2 || cards[0].offsetLeft === cards[1].offsetLeft) { return; }
    var rtl = getComputedStyle(graph).direction === "rtl";
    var g = graph.getBoundingClientRect();
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("class", "be-lines");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("width", g.width);
    svg.setAttribute("height", g.height);
    var marker = document.createElementNS(NS, "marker");
    [["id", "be-arrow"], ["viewBox", "0 0 10 10"], ["refX", "9"], ["refY", "5"], ["markerWidth", "6"],
      ["markerHeight", "6"], ["orient", "auto-start-reverse"]].forEach(function (a) { marker.setAttribute(a[0], a[1]); });
    var tip = document.createElementNS(NS, "path");
    tip.setAttribute("d", "M0 0 L10 5 L0 10 z");
    marker.appendChild(tip);
    var defs = document.createElementNS(NS, "defs");
    defs.appendChild(marker);
    svg.appendChild(defs);
    graph.querySelectorAll(".step-card ul.links li bdi[dir=ltr]").forEach(function (to) {
      var from = to.closest(".step-card");
      var target = graph.querySelector("[data-step='" + CSS.escape(to.textContent) + "'] header");
      if (!target || target.closest(".step-card") === from) { return; }
      var a = from.getBoundingClientRect(), li = to.closest("li").getBoundingClientRect();
      var b = target.closest(".step-card").getBoundingClientRect(), h = target.getBoundingClientRect();
      var sx = (rtl ? a.left : a.right) - g.left, sy = li.top + li.height / 2 - g.top;
      var ex = (rtl ? b.right : b.left) - g.left, ey = h.top + h.height / 2 - g.top;
      var dx = Math.max(14, Math.abs(ex - sx) / 2) * (rtl ? -1 : 1);
      var path = document.createElementNS(NS, "path");
      path.setAttribute("marker-end", "url(#be-arrow)");
      path.setAttribute("d", "M" + sx + " " + sy + " C" + (sx + dx) + " " + sy + " " + (ex - dx) + " " + ey + " " + ex + " " + ey);
      svg.appendChild(path);
    });
    graph.appendChild(svg);
  }
  window.addEventListener("resize", function () { if (def) { lines(); } });

  function renderSettings() {
    settings.textContent = "";
    var trig = def.trigger && typeof def.trigger === "object" ? def.trigger : (def.trigger = { on: "new_conversation" });
    field(settings, w("name"), function (fid) {
      return input(fid, def.name, function (t) { def.name = t; sync(); });
    }, "bot-name");
    var kw;
    field(settings, w("trigger"), function (fid) {
      return choice(fid, ["new_conversation", "keywords"], trig.on, function (x) {
        trig.on = x;
        if (x !== "keywords") { delete trig.keywords; }
        kw.hidden = x !== "keywords";
        sync();
      }, undefined, w);
    }, "bot-trigger");
    kw = field(settings, w("trigger_keywords"), function (fid) {
      return input(fid, (trig.keywords || []).join(", "), function (t) { trig.keywords = csv(t); sync(); });
    });
    kw.hidden = trig.on !== "keywords";
    field(settings, w("handoff_keywords"), function (fid) {
      var cur = Array.isArray(def.handoff_keywords) ? def.handoff_keywords.join(", ") : "";
      return input(fid, cur, function (t) { set(def, "handoff_keywords", csv(t).length ? csv(t) : ""); sync(); });
    });
    var en = el("input", { type: "checkbox", id: "bot-enabled" });
    en.checked = def.enabled !== false;
    en.addEventListener("change", function () { def.enabled = en.checked; sync(); });
    settings.appendChild(el("label", { "class": "check", "for": "bot-enabled" }, [en, w("enabled")]));
    errors.filter(function (e) { return !e.step; }).forEach(function (e) {
      settings.appendChild(el("p", { "class": "field-error", text: e.text }));
    });
  }

  function renderAdd() {
    addBox.textContent = "";
    var row = el("div", { "class": "be-add" });
    row.appendChild(el("h3", { text: w("add_step") }));
    field(row, w("kind"), function (fid) {
      // The first kind is chosen to begin with: a step always has one.
      var kinds = schema.kinds.map(function (k) { return k.type; });
      return choice(fid, kinds, kinds[0] || "", function () {}, undefined, kindName);
    }, "be-kind");
    var b = el("button", { type: "button", id: "be-add", text: w("add") });
    b.addEventListener("click", function () {
      var kind = document.getElementById("be-kind").value, n = 1;
      if (!kind) { return; }
      while (Object.prototype.hasOwnProperty.call(def.steps, kind + n)) { n += 1; }
      var id = kind + n, step = { type: kind };
      if (kind === "ask") { step.options = [{ id: "1", title: "" }]; }
      def.steps[id] = step;
      if (!def.start || !Object.prototype.hasOwnProperty.call(def.steps, def.start)) { def.start = id; }
      render();
      var c = graph.querySelector("[data-step='" + CSS.escape(id) + "']");
      c.scrollIntoView({ block: "nearest" });
      focusIn(id, ".be-fields .be-field:nth-child(2) input, .be-fields .be-field:nth-child(2) textarea, .be-fields .be-field:nth-child(2) select");
    });
    row.appendChild(b);
    addBox.appendChild(row);
  }

  function render() {
    renderSettings();
    graph.textContent = "";
    ids().forEach(function (id) { graph.appendChild(card(id)); });
    renderAdd();
    lines();
    sync();
  }

  // The steps in the order of the graph: the start, then breadth first along the connections,
  // then any step nothing leads to.
  function ordered(steps, start) {
    var seen = [], queue = [start], out = {};
    while (queue.length) {
      var id = queue.shift();
      if (!Object.prototype.hasOwnProperty.call(steps, id) || seen.indexOf(id) >= 0) { continue; }
      seen.push(id);
      links(steps[id]).forEach(function (l) { queue.push(l[1]); });
    }
    Object.keys(steps).forEach(function (k) { if (seen.indexOf(k) < 0) { seen.push(k); } });
    seen.forEach(function (k) { out[k] = steps[k]; });
    return out;
  }

  function load() {
    var parsed;
    try { parsed = JSON.parse(area.value); } catch (e) { return e.message; }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) { return "{…}"; }
    if (!parsed.steps || typeof parsed.steps !== "object" || Array.isArray(parsed.steps)) { parsed.steps = {}; }
    Object.keys(parsed.steps).forEach(function (k) {
      if (!parsed.steps[k] || typeof parsed.steps[k] !== "object") { parsed.steps[k] = { type: "" }; }
    });
    parsed.steps = ordered(parsed.steps, parsed.start);
    def = parsed;
    jsonDirty = false;
    render();
    return null;
  }

  var msg = el("p", { "class": "field-error", role: "alert", id: "json-error" });
  var apply = el("button", { type: "button", "class": "secondary", id: "be-apply", text: w("apply_json") });
  apply.addEventListener("click", function () { msg.textContent = load() || ""; });
  jsonBox.appendChild(apply);
  jsonBox.appendChild(msg);
  area.addEventListener("input", function () { jsonDirty = true; });
  // Enter in a step's or the bot's field settles it (a new step id renames the step) rather
  // than saving the whole form.
  form.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key === "Enter" && t.tagName === "INPUT" && (graph.contains(t) || settings.contains(t) || addBox.contains(t))) {
      e.preventDefault();
      t.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  form.addEventListener("submit", function () { if (def && !jsonDirty) { area.value = JSON.stringify(def, null, 2); } });
  document.querySelectorAll(".no-js").forEach(function (n) { n.hidden = true; });
  var failed = load();
  if (failed) { msg.textContent = failed; }
})();
