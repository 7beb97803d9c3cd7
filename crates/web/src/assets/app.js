// Risala web app: a little plain JavaScript on top of pages that work without it.
// - forms with data-confirm ask before they submit;
// - role selects save at once with fetch, sending the session's CSRF token in X-CSRF-Token;
// - a template form's preview follows its body and examples as they are typed;
// - on a phone, the console's row of sections is scrolled to show the current one.
(function () {
  "use strict";
  var current = document.querySelector("nav.tabs a[aria-current=page]");
  if (current && current.parentNode.scrollWidth > current.parentNode.clientWidth) {
    current.scrollIntoView({ block: "nearest", inline: "center" });
  }
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });

  document.querySelectorAll("select[data-autosave]").forEach(function (select) {
    var form = select.form;
    var status = form.querySelector("[role=status]");
    var button = form.querySelector("button");
    if (button) { button.hidden = true; }
    select.addEventListener("change", function () {
      var body = new URLSearchParams(new FormData(form));
      body.delete("csrf");
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded" },
        body: body
      }).then(function (r) {
        if (status) { status.textContent = r.ok ? status.getAttribute("data-ok") : r.status + ""; }
      });
    });
  });

  document.querySelectorAll("form.template-form").forEach(function (form) {
    var source = form.querySelector("[data-preview-source]");
    var target = form.querySelector("[data-preview]");
    if (!source || !target) { return; }
    var box = form.querySelector("[data-examples]");
    // The body's {{…}} variables, each once, in order of first appearance (as the server
    // reads them: TemplateForm::variables).
    function variables(body) {
      var out = [];
      (body.match(/\{\{[\s\S]*?\}\}/g) || []).forEach(function (v) {
        if (out.indexOf(v) < 0) { out.push(v); }
      });
      return out.slice(0, Number(box.getAttribute("data-max")) || 10);
    }
    // One example field per variable, the values typed kept by variable.
    function syncExamples() {
      if (!box) { return; }
      var kept = {};
      box.querySelectorAll("input[data-var]").forEach(function (i) { kept[i.getAttribute("data-var")] = i.value; });
      var vars = variables(source.value);
      var now = Array.prototype.map.call(box.querySelectorAll("input[data-var]"), function (i) {
        return i.getAttribute("data-var");
      });
      if (now.join("\n") === vars.join("\n")) { return; }
      box.textContent = "";
      vars.forEach(function (v, n) {
        var id = "example_" + (n + 1);
        var label = document.createElement("label");
        label.htmlFor = id;
        label.textContent = box.getAttribute("data-label").split("{var}").join(v);
        var input = document.createElement("input");
        input.id = id;
        input.name = id;
        input.autocomplete = "off";
        input.setAttribute("data-var", v);
        input.value = kept[v] || "";
        box.appendChild(label);
        box.appendChild(input);
      });
    }
    function update() {
      syncExamples();
      var text = source.value;
      form.querySelectorAll("input[data-var]").forEach(function (input) {
        if (input.value) { text = text.split(input.getAttribute("data-var")).join(input.value); }
      });
      target.textContent = text;
    }
    form.addEventListener("input", update);
  });

  // A field with a pattern says its rule when the browser refuses it, not only "Please match
  // the requested format.".
  document.querySelectorAll("input[data-pattern-message]").forEach(function (input) {
    function check() {
      input.setCustomValidity(input.validity.patternMismatch ? input.getAttribute("data-pattern-message") : "");
    }
    input.addEventListener("input", check);
    input.addEventListener("invalid", check);
    check();
  });
})();

// The team inbox, live: the page listens to /app/events (server-sent events). When a
// conversation changes it fetches the page again and swaps the parts marked data-live (the
// list, the open conversation, its panel), leaving forms being written in alone. It tells the
// server that its person is viewing the open conversation (every 10 s) or typing in it, and
// shows who else is.
(function () {
  "use strict";
  var inbox = document.querySelector(".inbox[data-events]");
  if (!inbox) { return; }
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var conv = document.getElementById("conversation");
  var chat = conv ? conv.getAttribute("data-chat") : null;
  var me = conv ? conv.getAttribute("data-me") : null;
  var thread = document.getElementById("thread");
  var presenceBox = document.getElementById("presence");
  var refreshes = 0;
  var timer = null;

  function atBottom(el) { return el.scrollHeight - el.scrollTop - el.clientHeight < 40; }
  function toBottom() { if (thread) { thread.scrollTop = thread.scrollHeight; } }
  toBottom();

  // A page in a tab nobody looks at waits: loading a chat reads it for the team, and a
  // message nobody saw must stay unread. It catches up when the tab is shown again.
  var missed = false;
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && missed) { missed = false; refresh(); }
  });

  // A message that arrives in the open chat, while someone looks at it, is read: the customer
  // gets the blue ticks, as when the chat was opened.
  // A POST of the page's own (CSRF token in the header), fire and forget.
  function post(url, body, keepalive) {
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: body
    }).catch(function () {});
  }

  function readChat() {
    var panel = document.getElementById("composer");
    if (panel) { post(panel.getAttribute("data-read"), ""); }
  }

  function lastFromCustomer() {
    var all = thread ? thread.querySelectorAll(".bubble:not(.out)") : [];
    return all.length ? all[all.length - 1].id : null;
  }

  // The customer wrote while the window was closed: the composer that offered templates only
  // (nothing typed in it) becomes the one with a message box, and its script runs again for it.
  function openedAgain(doc) {
    var old = document.getElementById("composer");
    var fresh = doc.getElementById("composer");
    if (!old || !fresh || old.querySelector("textarea") || !fresh.querySelector("textarea")) { return; }
    old.replaceWith(document.importNode(fresh, true));
    var script = document.querySelector('script[src*="composer"]');
    if (script) {
      var again = document.createElement("script");
      again.src = script.src;
      document.body.appendChild(again);
    }
  }

  function refresh() {
    if (document.hidden) { missed = true; return; }
    if (timer) { return; }
    timer = setTimeout(function () {
      timer = null;
      var stick = thread ? atBottom(thread) : false;
      fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var doc = new DOMParser().parseFromString(html, "text/html");
          var before = lastFromCustomer();
          document.querySelectorAll("[data-live]").forEach(function (el) {
            var fresh = doc.getElementById(el.id);
            if (fresh && fresh.innerHTML !== el.innerHTML) {
              el.innerHTML = fresh.innerHTML;
              if (fresh.className !== el.className) { el.className = fresh.className; }
            }
          });
          openedAgain(doc);
          if (stick) { toBottom(); }
          if (lastFromCustomer() !== before) { readChat(); }
          refreshes += 1;
          inbox.setAttribute("data-refreshes", String(refreshes));
        });
    }, 120);
  }

  function showPresence(people) {
    if (!presenceBox) { return; }
    var typing = [], viewing = [];
    people.forEach(function (p) {
      if (p.user_id === me) { return; }
      (p.typing ? typing : viewing).push(p.name);
    });
    presenceBox.textContent = "";
    if (typing.length) {
      var t = document.createElement("span");
      t.className = "typing";
      t.textContent = presenceBox.getAttribute("data-typing").replace("{names}", typing.join(", "));
      presenceBox.appendChild(t);
      presenceBox.appendChild(document.createTextNode(" "));
    }
    if (viewing.length) {
      var v = document.createElement("span");
      v.className = "viewing";
      v.textContent = presenceBox.getAttribute("data-viewing").replace("{names}", viewing.join(", "));
      presenceBox.appendChild(v);
    }
  }

  // The event stream is open only while the page is shown: a page left for the browser's
  // back/forward cache closes it (else each kept page holds one of the six connections a
  // browser opens to a host, and the seventh page waits for a minute). Each time it opens,
  // the page catches up once with what changed while it loaded or was away.
  var events = null;
  function listen() {
    if (!window.EventSource || events) { return; }
    events = new EventSource(inbox.getAttribute("data-events"));
    events.onmessage = function (e) {
      var ev;
      try { ev = JSON.parse(e.data); } catch (_) { return; }
      if (ev.kind === "presence") {
        if (chat && ev.phone_number_id + "/" + ev.wa_id === chat) { showPresence(ev.people); }
      } else {
        refresh();
      }
    };
    events.onopen = function () {
      inbox.setAttribute("data-live-connected", "1");
      refresh();
    };
  }
  listen();
  window.addEventListener("pagehide", function () {
    if (events) { events.close(); events = null; }
    inbox.removeAttribute("data-live-connected");
  });
  window.addEventListener("pageshow", function (e) { if (e.persisted) { listen(); } });

  if (chat && conv) {
    var presenceUrl = conv.getAttribute("data-presence");
    var say = function (state, keepalive) { post(presenceUrl, "state=" + state, keepalive); };
    say("viewing");
    setInterval(function () { if (!document.hidden) { say("viewing"); } }, 10000);
    var lastTyping = 0;
    document.addEventListener("input", function (e) {
      var t = e.target;
      if (!t || t.tagName !== "TEXTAREA") { return; }
      var now = Date.now();
      if (now - lastTyping > 3000) { lastTyping = now; say("typing"); }
    });
    window.addEventListener("pagehide", function () { say("leave", true); });
  }
})();
