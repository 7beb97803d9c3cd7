// Risala web chat: walking a flow the business sent. The customer API opens it
// (GET /customer/v1/flows/{message_id}: the Flow JSON, the first screen and its data); each
// screen's components are drawn as a form (headings, text, inputs, text areas, dropdowns,
// radio buttons, checkboxes, dates, opt-ins) and its Footer's action runs: `navigate` to the
// next screen, `data_exchange` with the business's endpoint, or `complete`, which sends the
// business the `nfm_reply` (POST …/complete). `${form.x}` and `${data.x}` in payloads and texts
// are filled from the screen's fields and data.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var el = function (tag, cls, text) { return window.WCView.el(tag, cls, text); };
  var state = null; // {m, flow, screen, data, env}

  function value(v, form, data) {
    if (typeof v === "string") {
      var whole = v.match(/^\$\{(form|data)\.([A-Za-z0-9_]+)\}$/);
      if (whole) { return (whole[1] === "form" ? form : data)[whole[2]]; }
      return v.replace(/\$\{(form|data)\.([A-Za-z0-9_]+)\}/g, function (_, k, n) {
        var x = (k === "form" ? form : data)[n];
        return x === undefined || x === null ? "" : String(x);
      });
    }
    if (Array.isArray(v)) { return v.map(function (x) { return value(x, form, data); }); }
    if (v && typeof v === "object") {
      var o = {};
      Object.keys(v).forEach(function (k) { o[k] = value(v[k], form, data); });
      return o;
    }
    return v;
  }

  function options(c, data) {
    var src = c["data-source"];
    if (typeof src === "string") { src = value(src, {}, data); }
    return Array.isArray(src) ? src : [];
  }

  // The fields of the screen's form, by name.
  function formValues() {
    var out = {};
    $("flow-body").querySelectorAll("[data-field]").forEach(function (f) {
      var n = f.getAttribute("data-field");
      if (f.type === "checkbox" && f.hasAttribute("data-optin")) { out[n] = f.checked; }
      else if (f.type === "checkbox") { out[n] = out[n] || []; if (f.checked) { out[n].push(f.value); } }
      else if (f.type === "radio") { if (f.checked) { out[n] = f.value; } }
      else if (f.value !== "") { out[n] = f.value; }
    });
    return out;
  }

  var uid = 0;
  function field(box, c, data) {
    var id = "flow-f-" + (uid += 1);
    var label = el("label", null, value(c.label || c.text || "", {}, data));
    label.htmlFor = id;
    var input;
    switch (c.type) {
      case "TextArea": input = el("textarea"); break;
      case "Dropdown":
        input = el("select");
        input.appendChild(el("option", null, ""));
        options(c, data).forEach(function (o) { var op = el("option", null, o.title); op.value = o.id; input.appendChild(op); });
        break;
      case "DatePicker": input = el("input"); input.type = "date"; break;
      case "OptIn":
        input = el("input"); input.type = "checkbox"; input.setAttribute("data-optin", "1");
        input.id = id; input.setAttribute("data-field", c.name);
        label.prepend(input);
        box.appendChild(label);
        return;
      case "RadioButtonsGroup": case "CheckboxGroup":
        var set = el("fieldset");
        set.appendChild(el("legend", null, value(c.label || "", {}, data)));
        options(c, data).forEach(function (o) {
          var l = el("label", "choice");
          var i = el("input"); i.type = c.type === "CheckboxGroup" ? "checkbox" : "radio"; i.name = c.name; i.value = o.id;
          i.setAttribute("data-field", c.name);
          l.appendChild(i); l.appendChild(document.createTextNode(" " + o.title));
          set.appendChild(l);
        });
        box.appendChild(set);
        return;
      default:
        input = el("input");
        input.type = ({ email: "email", number: "number", phone: "tel", password: "password" })[c["input-type"]] || "text";
    }
    input.id = id;
    input.setAttribute("data-field", c.name);
    if (c.required) { input.required = true; }
    box.appendChild(label);
    box.appendChild(input);
  }

  function draw(children, box, data) {
    (children || []).forEach(function (c) {
      switch (c.type) {
        case "Form": draw(c.children, box, data); break;
        case "TextHeading": box.appendChild(el("h3", null, value(c.text, {}, data))); break;
        case "TextSubheading": box.appendChild(el("h4", null, value(c.text, {}, data))); break;
        case "TextBody": case "TextCaption": case "RichText":
          box.appendChild(el("p", null, [].concat(value(c.text, {}, data)).join("\n"))); break;
        case "Footer": state.footer = c; break;
        case "TextInput": case "TextArea": case "Dropdown": case "DatePicker": case "OptIn":
        case "RadioButtonsGroup": case "CheckboxGroup": field(box, c, data); break;
        default: break;
      }
    });
  }

  function show(screenId, data) {
    var screens = (state.flow.flow_json && state.flow.flow_json.screens) || [];
    var screen = screens.filter(function (s) { return s.id === screenId; })[0] || screens[0];
    if (!screen) { return; }
    state.screen = screen; state.data = data || {}; state.footer = null;
    $("flow-title").textContent = value(screen.title || state.flow.name || "", {}, state.data);
    var body = $("flow-body");
    body.textContent = "";
    draw(screen.layout && screen.layout.children, body, state.data);
    $("flow-next").textContent = state.footer ? value(state.footer.label, {}, state.data) : state.t.continue;
    $("flow-error").hidden = true;
    if (!$("flow-dialog").open) { $("flow-dialog").showModal(); }
    var first = body.querySelector("input, select, textarea");
    if (first) { first.focus(); }
  }

  function failed(e) { $("flow-error").textContent = state.t.error.replace("{text}", e.message); $("flow-error").hidden = false; }

  $("flow-form").addEventListener("submit", function (e) {
    var submitter = e.submitter;
    if (!state || (submitter && submitter.value === "cancel")) { state = null; return; }
    e.preventDefault();
    var form = formValues();
    var missing = $("flow-body").querySelector("[required]:invalid");
    if (missing) { missing.reportValidity(); return; }
    var action = (state.footer && state.footer["on-click-action"]) || { name: state.screen.terminal ? "complete" : "navigate" };
    var payload = value(action.payload || form, form, state.data);
    var path = "/flows/" + encodeURIComponent(state.m.id);
    if (action.name === "navigate") {
      var next = (action.next && action.next.name) || "";
      show(next, Object.assign({}, state.data, payload));
    } else if (action.name === "data_exchange") {
      state.api("POST", path + "/data_exchange", { screen: state.screen.id, data: payload }).then(function (r) {
        if (r.completed) { done(); } else { show(r.screen, r.data); }
      }, failed);
    } else {
      state.api("POST", path + "/complete", { screen: state.screen.id, response: payload }).then(done, failed);
    }
  });

  function done() {
    $("flow-dialog").close();
    state.onDone();
    state = null;
  }

  window.WCFlow = {
    open: function (m, ctx) {
      ctx.api("GET", "/flows/" + encodeURIComponent(m.id)).then(function (flow) {
        state = { m: m, flow: flow, api: ctx.api, t: ctx.t, onDone: ctx.onDone || function () {} };
        show(flow.screen, flow.data);
      }, ctx.fail);
    },
  };
})();
