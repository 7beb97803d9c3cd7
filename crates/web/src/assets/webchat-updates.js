// The web chat's Updates and Feed tabs (issue #18): Status updates of the businesses the
// customer has chatted with, sponsored Status, and a feed of click-to-WhatsApp ads. An ad shown
// counts an impression (the server counts one a day); tapping "Send message" asks the server
// for the tap (the chat, the prefilled text and Meta's referral) and opens the chat with the
// text in the composer; the first message sent carries the referral. A reply to a Status update
// is a message whose context names the update.
(function () {
  "use strict";
  var ctx = null;
  var shown = {};
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, cls, text) { return window.WCView.el(tag, cls, text); }
  function T(k) { return (ctx && ctx.t[k]) || k; }
  function withToken(url) { return url + (url.indexOf("?") < 0 ? "?" : "&") + "token=" + encodeURIComponent(ctx.token); }
  function time(secs) {
    var lang = document.documentElement.lang || "en";
    return new Date(secs * 1000).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  }

  function select(tab) {
    var pane = $("chat-list-pane");
    pane.setAttribute("data-tab", tab);
    Array.prototype.forEach.call(document.querySelectorAll(".wc-tabs [role=tab]"), function (b) {
      b.setAttribute("aria-selected", b.getAttribute("data-tab") === tab ? "true" : "false");
    });
    $("updates-pane").hidden = tab !== "updates";
    $("feed-pane").hidden = tab !== "feed";
    if (tab === "updates") { loadUpdates(); }
    if (tab === "feed") { loadFeed(); }
  }

  function impression(ad) {
    if (shown[ad.id]) { return; }
    shown[ad.id] = true;
    ctx.api("POST", "/ads/" + encodeURIComponent(ad.id) + "/impression", {}).catch(function () {});
  }

  function tapAd(ad) {
    ctx.api("POST", "/ads/" + encodeURIComponent(ad.id) + "/tap", {}).then(function (t) {
      select("chats");
      ctx.openChat(t.chat, t.prefilled_text, { referral: t.referral });
    }, ctx.fail);
  }

  function media(kind, url, poster) {
    if (!url) { return null; }
    if (kind === "video") {
      var v = el("video", "wc-ad-media"); v.src = url; v.controls = true; v.preload = "metadata";
      if (poster) { v.poster = poster; }
      return v;
    }
    var i = el("img", "wc-ad-media"); i.src = url; i.alt = "";
    return i;
  }

  function adCard(ad) {
    var card = el("article", "wc-ad"); card.id = "ad-" + ad.id;
    var head = el("div", "wc-ad-head");
    head.appendChild(el("strong", null, ad.business.name));
    var where = ad.placement === "status" ? "" : " · " + T("on_" + ad.placement);
    head.appendChild(el("span", "muted", T("sponsored") + where));
    card.appendChild(head);
    if (ad.body) { var p = el("p", "wc-ad-body", ad.body); p.dir = "auto"; card.appendChild(p); }
    var m = media(ad.media_type, ad.image_url || ad.video_url, ad.thumbnail_url);
    if (m) { card.appendChild(m); }
    var foot = el("div", "wc-ad-foot");
    var headline = el("span", "wc-ad-headline", ad.headline); headline.dir = "auto";
    foot.appendChild(headline);
    var b = el("button", "btn wc-ad-tap", T("send_message")); b.type = "button";
    b.addEventListener("click", function () { tapAd(ad); });
    foot.appendChild(b);
    card.appendChild(foot);
    impression(ad);
    return card;
  }

  function loadFeed() {
    ctx.api("GET", "/ads?placement=facebook,instagram").then(function (v) {
      var list = $("feed-list"); list.textContent = "";
      v.data.forEach(function (ad) { list.appendChild(adCard(ad)); });
      $("feed-empty").hidden = v.data.length > 0;
      $("feed-pane").setAttribute("data-ready", "1");
    }, ctx.fail);
  }

  function update(biz, u) {
    var card = el("article", "wc-status"); card.id = "status-" + u.id;
    card.setAttribute("data-type", u.type);
    var body = u[u.type] || {};
    if (u.type === "text") {
      card.style.background = body.background_color || "#128C7E";
      var t = el("p", "wc-status-text", body.body); t.dir = "auto";
      card.appendChild(t);
    } else {
      var m = media(u.type, body.url && body.id ? withToken(body.url) : body.url);
      if (m) { card.appendChild(m); }
      if (body.caption) { var c = el("p", "wc-status-caption", body.caption); c.dir = "auto"; card.appendChild(c); }
    }
    var foot = el("div", "wc-status-foot");
    foot.appendChild(el("span", "muted", time(u.created_time)));
    var b = el("button", "btn small wc-status-reply", T("reply_status")); b.type = "button";
    b.addEventListener("click", function () {
      select("chats");
      ctx.openChat(biz.wa_id, "", { context: { id: u.id } }).then(function () {
        $("reply-text").textContent = T("status_of").replace("{name}", biz.name);
        $("reply-preview").hidden = false;
      });
    });
    foot.appendChild(b);
    card.appendChild(foot);
    return card;
  }

  function loadUpdates() {
    ctx.api("GET", "/status").then(function (v) {
      var list = $("updates-list"); list.textContent = "";
      v.data.forEach(function (b) {
        var sec = el("section", "wc-status-biz");
        var h = el("h3", null, b.business.name);
        sec.appendChild(h);
        b.updates.slice().reverse().forEach(function (u) { sec.appendChild(update(b.business, u)); });
        list.appendChild(sec);
      });
      $("updates-empty").hidden = v.data.length > 0;
      var sp = $("sponsored-list"); sp.textContent = "";
      v.sponsored.forEach(function (ad) { sp.appendChild(adCard(ad)); });
      $("sponsored-title").hidden = v.sponsored.length === 0;
      $("updates-pane").setAttribute("data-ready", "1");
    }, ctx.fail);
  }

  window.WCUpdates = {
    // Called by webchat.js once the customer is signed in: {api, t, token, openChat, fail}.
    start: function (c) {
      ctx = c;
      Array.prototype.forEach.call(document.querySelectorAll(".wc-tabs [role=tab]"), function (b) {
        b.addEventListener("click", function () { select(b.getAttribute("data-tab")); });
      });
    }
  };
})();
