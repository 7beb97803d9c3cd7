// Risala web chat: the customer's side in the browser, over the customer API.
// - Sign in: the number alone (sandbox) or with a one-time code (platform); the session token
//   is kept per tab (sessionStorage) and the numbers used on this device in localStorage, so
//   several customers can chat in several tabs and come back later.
// - Chats: the list (business name, picture, last message, unread count, muted), the
//   conversation drawn by webchat-view.js, the business's typing and read receipts, live over
//   the customer WebSocket, which first hands over everything sent while the tab was closed.
// - Read receipts are sent one after the other, oldest first, once per message.
// - Mute, archive and delete-on-device are this device's own; block, report and stopping
//   marketing call the customer API, so the business sees Meta's effects.
(function () {
  "use strict";
  var main = document.getElementById("content");
  if (!main || !main.classList.contains("wc-main")) { return; }
  var T = JSON.parse(document.getElementById("wc-strings").textContent);
  var LANG = main.getAttribute("data-lang");
  var CODES = main.getAttribute("data-codes") === "1";
  var V = window.WCView;
  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(location.search);
  // A phone number reads left to right inside Arabic text too (isolated: LRI … PDI).
  function tel(n) { return "\u2066+" + n + "\u2069"; }
  var EMOJI = ["👍", "❤️", "😂", "😮", "😢", "🙏", "😊", "🎉", "👋", "✅", "🔥", "😀"];

  // ---- storage --------------------------------------------------------------------------
  function load(key, fallback) { try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (_) { return fallback; } }
  function store(key, v) { try { localStorage.setItem(key, JSON.stringify(v)); } catch (_) { /* private mode */ } }
  var accounts = load("risala.chat.accounts", {});
  var me = null; // {wa_id, token, name}
  function prefs() { return load("risala.chat.prefs." + me.wa_id, {}); }
  function pref(number) { return prefs()[number] || {}; }
  function setPref(number, key, value) {
    var all = prefs(); all[number] = all[number] || {}; all[number][key] = value; store("risala.chat.prefs." + me.wa_id, all);
  }

  // ---- the customer API -----------------------------------------------------------------
  function api(method, path, body, raw) {
    var headers = {};
    if (me) { headers.Authorization = "Bearer " + me.token; }
    var init = { method: method, headers: headers };
    if (raw) { init.body = raw; } else if (body !== undefined) { headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch("/customer/v1" + path, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (v) {
        if (r.status === 401 && me) {
          // The session ended (signed out elsewhere, expired): sign in again.
          delete accounts[me.wa_id]; store("risala.chat.accounts", accounts);
          sessionStorage.removeItem("risala.chat.current");
          location.reload();
        }
        if (!r.ok) {
          var e = v.error || {};
          var err = new Error((e.error_data && e.error_data.details) || e.message || String(r.status));
          err.status = r.status; err.code = e.code;
          throw err;
        }
        return v;
      });
    });
  }
  function mediaUrl(id) { return "/customer/v1/media/" + encodeURIComponent(id) + "?token=" + encodeURIComponent(me.token); }
  function notice(text, error) {
    var n = $("notice");
    n.textContent = error ? T.error.replace("{text}", text) : text;
    n.className = error ? "alert error wc-toast" : "alert ok wc-toast";
    n.setAttribute("role", error ? "alert" : "status");
    n.hidden = false;
    clearTimeout(notice.timer);
    notice.timer = setTimeout(function () { n.hidden = true; }, 6000);
  }
  function fail(e) { notice(e.message || String(e), true); }

  // ---- signing in -----------------------------------------------------------------------
  function showKnown() {
    var list = $("known-list");
    list.textContent = "";
    Object.keys(accounts).forEach(function (wa) {
      var li = document.createElement("li");
      var b = V.el("button", "link", T.continue_as.replace("{name}", (accounts[wa].name || "") + " " + tel(wa)));
      b.type = "button";
      b.addEventListener("click", function () { resume(wa); });
      li.appendChild(b);
      list.appendChild(li);
    });
    $("known").hidden = Object.keys(accounts).length === 0;
  }
  function resume(wa) {
    var a = accounts[wa];
    if (!a) { return; }
    me = { wa_id: wa, token: a.token, name: a.name };
    api("GET", "/me").then(function (v) { me.name = v.profile_name || ""; start(); }, function () {
      // The session ended: sign in again with the number filled in.
      delete accounts[wa]; store("risala.chat.accounts", accounts); me = null;
      $("wc-phone").value = wa; showKnown();
    });
  }
  var codeAsked = false;
  $("sign-in-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var phone = $("wc-phone").value.replace(/[^0-9]/g, "");
    var name = $("wc-name").value.trim();
    var err = $("sign-in-error");
    err.hidden = true;
    var show = function (x) { err.textContent = T.error.replace("{text}", x.message); err.hidden = false; };
    if (CODES && !codeAsked) {
      api("POST", "/session/code", { phone: phone }).then(function () {
        codeAsked = true;
        $("code-row").hidden = false;
        $("sign-in-submit").textContent = T.sign_in;
        var note = $("sign-in-note"); note.textContent = T.code_sent.replace("{text}", tel(phone)); note.hidden = false;
        $("wc-code").focus();
      }, show);
      return;
    }
    var body = { phone: phone };
    if (name) { body.name = name; }
    if (CODES) { body.code = $("wc-code").value.trim(); }
    api("POST", "/session", body).then(function (s) {
      me = { wa_id: s.wa_id, token: s.token, name: s.profile_name || "" };
      start();
    }, show);
  });
  $("sign-out").addEventListener("click", function () {
    if (me) { delete accounts[me.wa_id]; store("risala.chat.accounts", accounts); }
    sessionStorage.removeItem("risala.chat.current");
    location.href = location.pathname + (LANG ? "?lang=" + LANG : "");
  });

  // ---- chats ----------------------------------------------------------------------------
  var chats = {}; // number → {info, profile, messages: [], byId: {}}
  var current = null;
  var showArchived = false;

  function chat(number) {
    if (!chats[number]) { chats[number] = { info: { business_number: number }, profile: null, messages: [], byId: {} }; }
    return chats[number];
  }
  // Read receipts of the business can arrive before the answer to the send that made the
  // message: kept until it is added.
  var readEarly = {};
  // The customer's own media: the history names the business's copy, which only the business
  // may download; this device remembers the upload each message was sent from.
  function ownMedia(id, mediaId) {
    var key = "risala.chat.media." + me.wa_id, map = load(key, {});
    if (mediaId) { map[id] = mediaId; store(key, map); }
    return map[id];
  }
  function add(c, m) {
    if (readEarly[m.id]) { m.status = "read"; }
    var o = m[m.type];
    if (m.from !== m.chat && o && typeof o === "object" && ownMedia(m.id)) { o.id = ownMedia(m.id); }
    if (c.byId[m.id]) { Object.assign(c.byId[m.id], m); return false; }
    c.byId[m.id] = m;
    c.messages.push(m);
    // Timestamps are whole seconds; within one, the ids tell the order (a message id starts
    // with its time in microseconds, fixed-width hex). The history comes newest first, so
    // without it two replies of the same second showed the wrong way round.
    c.messages.sort(function (a, b) { return Number(a.timestamp) - Number(b.timestamp) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0); });
    return true;
  }
  function visible(c) {
    var cleared = {};
    (pref(c.info.business_number).cleared || []).forEach(function (id) { cleared[id] = true; });
    // A business message that failed (blocked, marketing stopped) never reached the customer.
    return c.messages.filter(function (m) {
      return !cleared[m.id] && !(m.from === m.chat && m.status === "failed");
    });
  }
  function unread(c) {
    return visible(c).filter(function (m) { return m.from === m.chat && m.type !== "reaction" && m.status !== "read" && m.status !== "failed"; }).length;
  }
  function name(c) { return c.info.verified_name || (c.profile && c.profile.verified_name) || tel(c.info.business_number); }

  function avatar(node, c) {
    node.textContent = "";
    var url = c.profile && c.profile.profile && c.profile.profile.profile_picture_url;
    if (url) { var img = V.el("img"); img.src = url; img.alt = ""; node.appendChild(img); } else { node.textContent = name(c).replace(/[^\p{L}\p{N}]/gu, "").charAt(0).toUpperCase(); }
  }

  function loadChat(number) {
    var c = chat(number);
    return Promise.all([
      api("GET", "/chats/" + number + "/messages?limit=100").then(function (v) { v.data.forEach(function (m) { add(c, m); }); }),
      c.profile ? null : api("GET", "/chats/" + number + "/profile").then(function (p) { c.profile = p; c.info.verified_name = c.info.verified_name || p.verified_name; }, function () {}),
    ]);
  }

  function loadChats() {
    return api("GET", "/chats").then(function (v) {
      return Promise.all(v.data.map(function (info) { chat(info.business_number).info = info; return loadChat(info.business_number); }));
    }).then(drawList);
  }

  function drawList() {
    var list = $("chat-list");
    list.textContent = "";
    var numbers = Object.keys(chats).sort(function (a, b) {
      var la = chats[a].messages.slice(-1)[0], lb = chats[b].messages.slice(-1)[0];
      return (lb ? Number(lb.timestamp) : 0) - (la ? Number(la.timestamp) : 0);
    });
    var archived = 0;
    numbers.forEach(function (n) {
      var c = chats[n], p = pref(n);
      if (p.archived) { archived += 1; }
      if (Boolean(p.archived) !== showArchived && n !== current) { return; }
      var li = document.createElement("li");
      var a = V.el("a");
      a.href = "#" + n;
      a.setAttribute("data-chat", n);
      if (n === current) { a.setAttribute("aria-current", "true"); }
      var av = V.el("span", "avatar"); av.setAttribute("aria-hidden", "true"); avatar(av, c); a.appendChild(av);
      var body = V.el("span", "chat-main");
      var top = V.el("span", "chat-top");
      var nm = V.el("span", "chat-name", name(c));
      if (window.WcBadge) { WcBadge.mark(nm, c); }
      top.appendChild(nm);
      var last = visible(c).filter(function (m) { return m.type !== "reaction"; }).slice(-1)[0];
      if (last) { top.appendChild(V.el("time", "chat-time", V.clock(LANG, last.timestamp))); }
      body.appendChild(top);
      var bottom = V.el("span", "chat-bottom");
      var prev = V.el("span", "preview", last ? (last.from !== last.chat ? T.you + ": " : "") + V.summary(T, last) : "");
      prev.dir = "auto";
      bottom.appendChild(prev);
      if (p.muted) { var mu = V.el("span", "muted-icon", "🔕"); mu.title = T.muted; mu.setAttribute("aria-label", T.muted); bottom.appendChild(mu); }
      var u = unread(c);
      if (u && n !== current) { var ub = V.el("span", "unread", String(u)); ub.setAttribute("aria-label", T.unread.replace("{n}", u)); bottom.appendChild(ub); }
      body.appendChild(bottom);
      a.appendChild(body);
      a.addEventListener("click", function (e) { e.preventDefault(); openChat(n); });
      li.appendChild(a);
      list.appendChild(li);
    });
    var toggle = $("archived-toggle");
    toggle.hidden = archived === 0 && !showArchived;
    toggle.textContent = showArchived ? T.chats : T.show_archived.replace("{n}", archived);
    if (!numbers.length) { var li = V.el("li", "muted", T.no_chats); list.appendChild(li); }
  }
  $("archived-toggle").addEventListener("click", function () { showArchived = !showArchived; drawList(); });
  $("new-chat").addEventListener("submit", function (e) {
    e.preventDefault();
    var n = $("wc-new-number").value.replace(/[^0-9]/g, "");
    if (!n) { return; }
    api("GET", "/chats/" + n + "/profile").then(function () { $("wc-new-number").value = ""; openChat(n); }, fail);
  });

  // ---- the conversation -----------------------------------------------------------------
  var ctx = {
    t: T, lang: LANG, mediaUrl: mediaUrl,
    // Payments (webchat-pay.js): the customer API, the open chat, and whether this is the sandbox.
    api: api, fail: function (e) { fail(e); }, number: function () { return current; },
    sandbox: document.getElementById("content").getAttribute("data-codes") === "0",
    lookup: function (id) { return current ? chat(current).byId[id] : null; },
    played: function (m) { if (m.status !== "played") { ack(m.id, "played"); m.status = "played"; } },
    answer: function (m, body) { body.context = { id: m.id }; send(body); },
    replyTo: function (m) { replying = m; $("reply-text").textContent = V.summary(T, m); $("reply-preview").hidden = false; $("message").focus(); },
    reactTo: function (m, button) { emojiFor = m; togglePanel(true, button); },
    requestLocation: function (m) { locationFor = m; openForm("location-form"); },
    openFlow: function (m) {
      var number = current;
      var onDone = function () { notice(T.flow_done); loadChat(number).then(function () { if (current === number) { drawThread(); } drawList(); }); };
      if (window.WCFlow) { window.WCFlow.open(m, { api: api, t: T, fail: fail, onDone: onDone }); }
    },
    copy: function (code, button) {
      var done = function () { button.textContent = "✓ " + T.copied; };
      if (navigator.clipboard && navigator.clipboard.writeText) { navigator.clipboard.writeText(code).then(done, done); } else { done(); }
      button.setAttribute("data-copied", code);
    },
    addContact: function (c, button) {
      var saved = load("risala.chat.contacts." + me.wa_id, []);
      saved.push(c); store("risala.chat.contacts." + me.wa_id, saved);
      button.textContent = "✓ " + T.contact_added; button.disabled = true;
    },
  };
  var replying = null, emojiFor = null, locationFor = null;
  // Product cards, the cart and orders (webchat-shop.js).
  if (window.WCShop) {
    window.WCShop.attach({ api: api, send: function (b) { return send(b); }, fail: fail, notice: notice, t: T, lang: LANG,
      number: function () { return current; }, me: function () { return me ? me.wa_id : ""; }, redraw: function () { if (current) { drawThread(); } } });
  }

  function drawThread() {
    var c = chat(current);
    var thread = $("thread");
    var stick = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 60;
    // Lists being looked at stay open across a redraw, and the keyboard's focus stays put.
    var open = Array.prototype.map.call(thread.querySelectorAll("details[open]"), function (d) { return d.closest(".bubble").id; });
    var focused = null, active = document.activeElement;
    if (active && thread.contains(active) && active.closest(".bubble")) {
      var owner = active.closest(".bubble");
      focused = { id: owner.id, index: Array.prototype.indexOf.call(owner.querySelectorAll("button, a, summary"), active) };
    }
    thread.textContent = "";
    var shown = visible(c);
    var reactions = {};
    shown.forEach(function (m) {
      if (m.type === "reaction" && m.reaction) { reactions[m.reaction.message_id] = reactions[m.reaction.message_id] || {}; reactions[m.reaction.message_id][m.from] = m.reaction.emoji; }
    });
    var lastDay = null;
    shown.forEach(function (m) {
      if (m.type === "reaction" && c.byId[m.reaction && m.reaction.message_id]) { return; }
      // A day separator before each day's first message, as WhatsApp draws them.
      var d = V.day(ctx, m.timestamp).key;
      if (d !== lastDay) { thread.appendChild(V.daySeparator(ctx, m.timestamp)); lastDay = d; }
      var b = V.bubble(ctx, m);
      var r = reactions[m.id];
      if (r) { b.querySelector(".wc-reactions").textContent = Object.keys(r).map(function (k) { return r[k]; }).filter(Boolean).join(""); }
      thread.appendChild(b);
    });
    open.forEach(function (id) { var b = document.getElementById(id); var d = b && b.querySelector("details"); if (d) { d.open = true; } });
    if (focused) {
      var again = document.getElementById(focused.id);
      var target = again && again.querySelectorAll("button, a, summary")[focused.index];
      if (target) { target.focus({ preventScroll: true }); }
    }
    var blocked = Boolean(c.info.blocked);
    $("composer").hidden = blocked;
    $("blocked-note").hidden = !blocked;
    starters(c, shown.length === 0);
    menuState(c);
    if (stick || drawThread.first) { thread.scrollTop = thread.scrollHeight; }
    drawThread.first = false;
  }

  // Ice breakers and commands of the business, offered in a new chat.
  function starters(c, empty) {
    var box = $("starters");
    box.textContent = "";
    var p = c.profile || {};
    var ice = p.ice_breakers || [], cmds = p.commands || [];
    box.hidden = !empty || (!ice.length && !cmds.length);
    if (box.hidden) { return; }
    if (ice.length) { box.appendChild(V.el("h3", null, T.suggestions)); }
    ice.forEach(function (q) {
      var b = V.el("button", "btn", q); b.type = "button";
      b.addEventListener("click", function () { send({ type: "text", text: { body: q } }); });
      box.appendChild(b);
    });
    if (cmds.length) { box.appendChild(V.el("h3", null, T.commands)); }
    cmds.forEach(function (cmd) {
      var b = V.el("button", "btn", "/" + cmd.command_name + " · " + cmd.command_description); b.type = "button";
      b.addEventListener("click", function () { $("message").value = "/" + cmd.command_name + " "; $("message").focus(); });
      box.appendChild(b);
    });
  }

  // What an ad's tap (its referral) or a Status reply (its context) adds to the chat's next message.
  var firstExtra = null;
  function openChat(number, text, extra) {
    current = number;
    if (extra) { firstExtra = { number: number, fields: extra }; }
    var c = chat(number);
    $("app").classList.add("has-open");
    $("chat-empty").hidden = true;
    $("chat").hidden = false;
    $("chat-name").textContent = name(c);
    if (window.WcBadge) { WcBadge.mark($("chat-name"), c); WcBadge.current(c); }
    $("chat-status").textContent = tel(number);
    avatar($("chat-avatar"), c);
    if (text) { $("message").value = text; }
    if (window.WCShop) { window.WCShop.chatOpened(number); }
    drawThread.first = true;
    return loadChat(number).then(function () {
      if (current !== number) { return; }
      drawThread(); drawList(); readAll();
      $("chat-name").textContent = name(c);
      if (window.WcBadge) { WcBadge.mark($("chat-name"), c); }
      avatar($("chat-avatar"), c);
      api("POST", "/chats/" + number + "/open", {}).catch(function () {});
      $("message").focus();
    }, fail);
  }
  $("back").addEventListener("click", function () { current = null; $("app").classList.remove("has-open"); $("chat").hidden = true; $("chat-empty").hidden = false; drawList(); });

  // Read receipts: once per message, oldest first, one request after the other.
  var acked = {}, ackQueue = Promise.resolve();
  function ack(id, status) {
    var key = id + ":" + status;
    if (acked[key]) { return; }
    acked[key] = true;
    ackQueue = ackQueue.then(function () { return api("POST", "/messages/" + encodeURIComponent(id) + "/status", { status: status }).catch(function () {}); });
  }
  function readAll() {
    if (!current || document.hidden) { return; }
    visible(chat(current)).forEach(function (m) {
      if (m.from === m.chat && m.status !== "read" && m.status !== "played" && m.status !== "failed") { ack(m.id, "read"); m.status = "read"; }
    });
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden && current) { readAll(); drawList(); } });

  // ---- sending --------------------------------------------------------------------------
  function send(body) {
    if (!current) { return Promise.resolve(); }
    var number = current;
    if (replying && !body.context && body.type !== "reaction") { body.context = { id: replying.id }; }
    var extra = firstExtra && firstExtra.number === number && body.type !== "reaction" ? firstExtra : null;
    if (extra) { Object.assign(body, extra.fields); }
    body.to = number;
    return api("POST", "/messages", body).then(function (r) {
      delete body.to;
      if (extra && firstExtra === extra) { firstExtra = null; delete body.referral; }
      var m = { id: r.id, chat: number, from: me.wa_id, to: number, timestamp: r.timestamp, type: body.type, status: "sent" };
      // A copy of what was sent: an object's fields, or a list as a list (contacts).
      var sent = body[body.type];
      m[body.type] = Array.isArray(sent) ? sent.slice() : Object.assign({}, sent);
      if (m[body.type].media_id) { ownMedia(r.id, m[body.type].media_id); }
      if (body.context) { m.context = body.context; }
      add(chat(number), m);
      replying = null; $("reply-preview").hidden = true;
      if (current === number) { drawThread(); $("thread").scrollTop = $("thread").scrollHeight; }
      drawList();
    }, fail);
  }
  $("composer").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("message").value;
    if (!text.trim()) { return; }
    send({ type: "text", text: { body: text } }).then(function () { if (!$("notice").classList.contains("error")) { $("message").value = ""; } });
  });
  $("message").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("composer").requestSubmit(); }
  });
  $("reply-cancel").addEventListener("click", function () { replying = null; $("reply-preview").hidden = true; });

  // Emoji: into the composer, or as a reaction to the message being reacted to.
  function togglePanel(show, anchor) {
    var panel = $("emoji-panel");
    panel.hidden = !show;
    $("emoji-button").setAttribute("aria-expanded", String(show && !emojiFor));
    if (show && panel.firstChild) { panel.firstChild.focus(); }
    if (!show) { emojiFor = null; if (anchor) { anchor.focus(); } }
  }
  EMOJI.forEach(function (emoji) {
    var b = V.el("button", "icon", emoji); b.type = "button";
    b.addEventListener("click", function () {
      if (emojiFor) {
        send({ type: "reaction", reaction: { message_id: emojiFor.id, emoji: emoji } });
      } else {
        var box = $("message"), at = box.selectionStart || box.value.length;
        box.value = box.value.slice(0, at) + emoji + box.value.slice(at);
      }
      togglePanel(false);
      $("message").focus();
    });
    $("emoji-panel").appendChild(b);
  });
  $("emoji-button").addEventListener("click", function () { emojiFor = null; togglePanel($("emoji-panel").hidden); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { togglePanel(false); $("chat-menu").hidden = true; $("menu-button").setAttribute("aria-expanded", "false"); }
  });

  // Media: a file picker (no camera needed); the type follows the file's.
  $("attach-button").addEventListener("click", function () { $("file").click(); });
  $("file").addEventListener("change", function () {
    var f = $("file").files[0];
    if (!f) { return; }
    var form = new FormData();
    form.append("file", f, f.name);
    api("POST", "/media", undefined, form).then(function (up) {
      var mime = up.mime_type || f.type;
      var kind = mime === "image/webp" ? "sticker" : /^image\//.test(mime) ? "image" : /^video\//.test(mime) ? "video" : /^audio\//.test(mime) ? "audio" : "document";
      var o = { media_id: up.id };
      var caption = $("message").value.trim();
      if (caption && (kind === "image" || kind === "video" || kind === "document")) { o.caption = caption; $("message").value = ""; }
      if (kind === "document") { o.filename = f.name; }
      var body = { type: kind }; body[kind] = o;
      return send(body);
    }, fail).then(function () { $("file").value = ""; });
  });

  function openForm(id) {
    ["location-form", "contact-form"].forEach(function (f) { $(f).hidden = f !== id; });
    var first = $(id).querySelector("input");
    if (first) { first.focus(); }
  }
  $("location-button").addEventListener("click", function () { locationFor = null; openForm("location-form"); });
  $("contact-button").addEventListener("click", function () { openForm("contact-form"); });
  $("loc-cancel").addEventListener("click", function () { $("location-form").hidden = true; });
  $("contact-cancel").addEventListener("click", function () { $("contact-form").hidden = true; });
  $("loc-here").addEventListener("click", function () {
    if (!navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(function (p) { $("loc-lat").value = p.coords.latitude; $("loc-lng").value = p.coords.longitude; }, fail);
  });
  $("location-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var o = { latitude: Number($("loc-lat").value), longitude: Number($("loc-lng").value) };
    if ($("loc-name").value.trim()) { o.name = $("loc-name").value.trim(); }
    var body = { type: "location", location: o };
    if (locationFor) { body.context = { id: locationFor.id }; }
    send(body).then(function () { $("location-form").hidden = true; locationFor = null; });
  });
  $("contact-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var full = $("contact-name").value.trim();
    var c = { name: { formatted_name: full, first_name: full.split(" ")[0] }, phones: [{ phone: $("contact-phone").value.trim(), type: "CELL" }] };
    send({ type: "contacts", contacts: [c] }).then(function () { $("contact-form").hidden = true; });
  });

  // ---- the chat menu --------------------------------------------------------------------
  function menuState(c) {
    var p = pref(c.info.business_number);
    var on = { block: !c.info.blocked, unblock: Boolean(c.info.blocked), report: true, report_block: !c.info.blocked,
      stop_marketing: !p.marketing_stopped, resume_marketing: Boolean(p.marketing_stopped), mute: !p.muted, unmute: Boolean(p.muted),
      archive: !p.archived, unarchive: Boolean(p.archived), delete_chat: true };
    $("chat-menu").querySelectorAll("button").forEach(function (b) { b.hidden = !on[b.getAttribute("data-action")]; });
  }
  $("menu-button").addEventListener("click", function () {
    var menu = $("chat-menu");
    menu.hidden = !menu.hidden;
    $("menu-button").setAttribute("aria-expanded", String(!menu.hidden));
    if (!menu.hidden) { var first = menu.querySelector("button:not([hidden])"); if (first) { first.focus(); } }
  });
  $("chat-menu").addEventListener("click", function (e) {
    var b = e.target.closest("button[data-action]");
    if (!b || !current) { return; }
    var number = current, c = chat(number), what = b.getAttribute("data-action");
    $("chat-menu").hidden = true;
    $("menu-button").setAttribute("aria-expanded", "false");
    var ask = { block: T.confirm_block, report: T.confirm_report, report_block: T.confirm_report, delete_chat: T.confirm_delete }[what];
    if (ask && !window.confirm(ask.replace("{name}", name(c)))) { return; }
    var after = function (text) { return function () { notice(text); drawThread(); drawList(); }; };
    var path = "/chats/" + number;
    switch (what) {
      case "block": api("POST", path + "/block", {}).then(function () { c.info.blocked = true; }).then(after(T.done_block), fail); break;
      case "unblock": api("POST", path + "/unblock", {}).then(function () { c.info.blocked = false; }).then(after(T.done_unblock), fail); break;
      case "report": case "report_block":
        api("POST", path + "/report", { block: what === "report_block" }).then(function (r) { c.info.blocked = r.blocked; }).then(after(T.done_report), fail); break;
      case "stop_marketing": case "resume_marketing":
        var stop = what === "stop_marketing";
        api("POST", path + "/marketing", { value: stop ? "stop" : "resume" }).then(function () { setPref(number, "marketing_stopped", stop); })
          .then(after(stop ? T.done_stop : T.done_resume), fail); break;
      case "mute": case "unmute": setPref(number, "muted", what === "mute"); after(T[what])(); break;
      case "archive": case "unarchive": setPref(number, "archived", what === "archive"); after(T[what])(); break;
      case "delete_chat":
        setPref(number, "cleared", c.messages.map(function (m) { return m.id; }));
        after(T.delete_chat)(); break;
    }
  });

  // ---- live: the customer WebSocket -----------------------------------------------------
  var typingTimer = null, retry = 500;
  function live() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + "/customer/v1/stream?token=" + encodeURIComponent(me.token));
    $("live-state").textContent = T.connecting;
    ws.onopen = function () { retry = 500; $("live-state").textContent = ""; main.setAttribute("data-live", "1"); };
    ws.onmessage = function (e) {
      var f; try { f = JSON.parse(e.data); } catch (_) { return; }
      if (f.event === "message") { arrived(f.message); }
      else if (f.event === "typing" && f.from === current) {
        $("chat-status").textContent = T.typing;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { $("chat-status").textContent = tel(current); }, 25000);
      } else if (f.event === "read") {
        var c = chat(f.from), m = c.byId[f.id];
        if (m) { m.status = "read"; if (f.from === current) { drawThread(); } } else { readEarly[f.id] = true; }
      }
    };
    ws.onclose = function () {
      main.removeAttribute("data-live");
      $("live-state").textContent = T.offline;
      setTimeout(live, retry);
      retry = Math.min(retry * 2, 15000);
    };
  }
  function arrived(m) {
    var c = chat(m.chat);
    add(c, m);
    if (m.from === m.chat) {
      if (m.chat === current && !document.hidden) { ack(m.id, "read"); m.status = "read"; }
      else if (m.status === "sent") { ack(m.id, "delivered"); m.status = "delivered"; }
      if (m.chat === current) { clearTimeout(typingTimer); $("chat-status").textContent = tel(current); }
    }
    if (!c.profile) { loadChat(m.chat).then(drawList); }
    if (m.chat === current) { drawThread(); }
    drawList();
  }

  // ---- profile --------------------------------------------------------------------------
  function drawMe() {
    $("me-name").textContent = me.name || tel(me.wa_id);
    var pic = load("risala.chat.picture." + me.wa_id, null);
    var av = $("me-avatar");
    av.textContent = "";
    if (pic) { var img = V.el("img"); img.src = pic; img.alt = ""; av.appendChild(img); } else { av.textContent = (me.name || "?").charAt(0).toUpperCase(); }
  }
  $("profile-button").addEventListener("click", function () {
    $("profile-name").value = me.name || "";
    var pic = load("risala.chat.picture." + me.wa_id, null);
    $("profile-picture").hidden = !pic;
    if (pic) { $("profile-picture").src = pic; }
    $("profile-dialog").showModal();
  });
  $("profile-dialog").addEventListener("close", function () {
    if ($("profile-dialog").returnValue !== "save") { return; }
    var f = $("profile-file").files[0];
    if (f && f.size < 512 * 1024) {
      var r = new FileReader();
      r.onload = function () { store("risala.chat.picture." + me.wa_id, r.result); drawMe(); };
      r.readAsDataURL(f);
    }
    var nm = $("profile-name").value.trim();
    if (nm && nm !== me.name) {
      api("POST", "/me", { name: nm }).then(function (v) { me.name = v.profile_name; accounts[me.wa_id].name = me.name; store("risala.chat.accounts", accounts); drawMe(); }, fail);
    }
  });

  // ---- start ----------------------------------------------------------------------------
  function start() {
    accounts[me.wa_id] = { token: me.token, name: me.name };
    store("risala.chat.accounts", accounts);
    sessionStorage.setItem("risala.chat.current", me.wa_id);
    $("sign-in").hidden = true;
    $("app").hidden = false;
    $("sign-out").hidden = false;
    $("profile-button").hidden = false;
    main.setAttribute("data-wa-id", me.wa_id);
    drawMe();
    loadChats().then(function () {
      live();
      var to = (params.get("phone") || "").replace(/[^0-9]/g, "");
      if (to) { openChat(to, params.get("text") || ""); }
      if (window.WCUpdates) { window.WCUpdates.start({ api: api, t: T, token: me.token, openChat: openChat, fail: fail }); }
      main.setAttribute("data-ready", "1");
    }, fail);
  }

  showKnown();
  var wanted = params.get("as") || sessionStorage.getItem("risala.chat.current");
  if (wanted && accounts[wanted]) { resume(wanted); } else if (params.get("as")) { $("wc-phone").value = params.get("as"); }
})();
