// Risala web chat: how each message looks to the customer. Every type a business can send
// (text with WhatsApp formatting and links, media, locations, contacts, reactions, replies,
// templates, interactive buttons, lists, CTA URLs, location requests, products, catalogs,
// carousels, flows) becomes DOM nodes built with textContent: nothing the business sends is
// ever parsed as HTML. The page's script (webchat.js) gives the context: strings, the media
// URL of the signed-in customer, and what a tap on a button does.
(function () {
  "use strict";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function s(v, k) { return v && typeof v[k] === "string" ? v[k] : ""; }
  function arr(v) { return Array.isArray(v) ? v : []; }
  function fill(t, key, val) { return t[key].replace("{text}", val).replace("{n}", val).replace("{name}", val); }
  // A count in the language's digits (Arabic-Indic for Arabic), as times and money are written.
  function count(lang, n) {
    try { return Number(n).toLocaleString(lang === "ar" ? "ar-EG" : lang); } catch (_) { return String(n); }
  }

  // WhatsApp's formatting: *bold*, _italic_, ~strike~, ```mono``` and `code`; links
  // (http, https, www.) become anchors that open elsewhere.
  var MARKS = [["```", "code"], ["`", "code"], ["*", "strong"], ["_", "em"], ["~", "s"]];
  var LINK = /(https?:\/\/[^\s<>"]+|www\.[^\s<>"]+)/;

  function links(parent, text) {
    var parts = text.split(LINK);
    parts.forEach(function (p, i) {
      if (!p) { return; }
      if (i % 2 === 1) {
        var trail = (p.match(/[.,!?;:)]+$/) || [""])[0];
        var url = trail ? p.slice(0, -trail.length) : p;
        var a = el("a", null, url);
        a.href = url.indexOf("www.") === 0 ? "https://" + url : url;
        a.target = "_blank";
        a.rel = "noopener noreferrer nofollow";
        parent.appendChild(a);
        if (trail) { parent.appendChild(document.createTextNode(trail)); }
      } else {
        parent.appendChild(document.createTextNode(p));
      }
    });
  }

  function format(parent, text) {
    var best = null;
    MARKS.forEach(function (m) {
      var start = text.indexOf(m[0]);
      while (start !== -1) {
        var end = text.indexOf(m[0], start + m[0].length);
        if (end === -1) { break; }
        var inner = text.slice(start + m[0].length, end);
        var before = start === 0 ? " " : text.charAt(start - 1);
        var after = text.charAt(end + m[0].length) || " ";
        var ok = inner.length > 0 && (m[0] === "```" || (!/^\s/.test(inner) && !/\s$/.test(inner) &&
          !/[A-Za-z0-9]/.test(before) && !/[A-Za-z0-9]/.test(after) && inner.indexOf("\n") === -1));
        if (ok) {
          if (!best || start < best.start) { best = { start: start, end: end, mark: m, inner: inner }; }
          break;
        }
        start = text.indexOf(m[0], start + 1);
      }
    });
    if (!best) { links(parent, text); return parent; }
    links(parent, text.slice(0, best.start));
    var node = el(best.mark[1], best.mark[0] === "```" ? "mono" : null);
    if (best.mark[1] === "code") { node.textContent = best.inner; } else { format(node, best.inner); }
    parent.appendChild(node);
    format(parent, text.slice(best.end + best.mark[0].length));
    return parent;
  }

  function text(body) {
    var span = el("span", "text");
    span.dir = "auto";
    return format(span, body);
  }

  // `preview_url`: the first link of the text as a card naming its site (the page fetches
  // nothing from other sites, so the card holds what the link itself says).
  function preview(span) {
    var a = span.querySelector("a[href]");
    if (!a) { return span; }
    var box = el("div");
    box.appendChild(span);
    var card = el("a", "link-preview");
    card.href = a.href; card.target = "_blank"; card.rel = "noopener noreferrer nofollow";
    var host = "";
    try { host = new URL(a.href).hostname.replace(/^www\./, ""); } catch (_) { host = a.href; }
    card.appendChild(el("strong", null, host));
    card.appendChild(el("span", "muted", a.href));
    box.appendChild(card);
    return box;
  }

  function media(ctx, kind, o, m) {
    var box = el("div", "wc-media");
    var id = s(o, "id"), link = s(o, "link"), caption = s(o, "caption");
    if (id) {
      var url = ctx.mediaUrl(id);
      var node;
      if (kind === "image") { node = el("img", "media"); node.src = url; node.alt = caption || ctx.t.image; node.loading = "lazy"; }
      else if (kind === "sticker") { node = el("img", "sticker"); node.src = url; node.alt = ctx.t.sticker; }
      else if (kind === "video") { node = el("video", "media"); node.controls = true; node.preload = "metadata"; node.src = url; }
      else if (kind === "audio") {
        node = el("div", "audio");
        if (o.voice) { node.appendChild(el("span", "voice", "🎤 " + ctx.t.voice)); }
        var a = el("audio"); a.controls = true; a.preload = "none"; a.src = url; node.appendChild(a);
        // A business's voice message played for the first time: the business is told (`played`).
        if (o.voice && m && m.from === m.chat && ctx.played) { a.addEventListener("play", function () { ctx.played(m); }, { once: true }); }
      } else {
        node = el("a", "doc");
        var name = s(o, "filename") || s(o, "mime_type") || ctx.t.document;
        node.href = url;
        node.setAttribute("download", name);
        node.appendChild(el("span", null, "📄 "));
        node.appendChild(el("bdi", null, name));
        node.appendChild(document.createTextNode(" · " + ctx.t.download));
      }
      // A picture the customer may not download (not copied to the customer, or expired)
      // gives way to a placeholder rather than a broken image.
      if (node.tagName === "IMG") {
        node.addEventListener("error", function () {
          if (node.parentNode) { node.parentNode.replaceChild(el("span", "media-missing", "📎 " + (ctx.t[kind] || kind)), node); }
        });
      }
      box.appendChild(node);
    } else if (link) {
      // Not drawn inline: the page loads nothing from other sites.
      var icon = { image: "📷", video: "🎥", audio: "🎤", document: "📄", sticker: "🏷️" }[kind] || "📎";
      var l = el("a", "doc", icon + " " + (s(o, "filename") || ctx.t[kind] || kind));
      l.href = link; l.target = "_blank"; l.rel = "noopener noreferrer nofollow";
      box.appendChild(l);
    }
    if (caption) { var p = el("p", "caption"); p.appendChild(text(caption)); box.appendChild(p); }
    return box;
  }

  function location(ctx, o) {
    var box = el("div", "location");
    box.appendChild(el("span", "pin", "📍"));
    var d = el("div");
    if (s(o, "name")) { d.appendChild(el("strong", null, s(o, "name"))); d.appendChild(el("br")); }
    if (s(o, "address")) { d.appendChild(el("span", null, s(o, "address"))); d.appendChild(el("br")); }
    var lat = Number(o.latitude), lng = Number(o.longitude);
    if (isFinite(lat) && isFinite(lng)) {
      var c = el("bdi", "coords", lat.toFixed(5) + ", " + lng.toFixed(5)); c.dir = "ltr";
      d.appendChild(c); d.appendChild(el("br"));
      var a = el("a", null, ctx.t.open_map);
      a.href = "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lng + "#map=16/" + lat + "/" + lng;
      a.target = "_blank"; a.rel = "noopener noreferrer";
      d.appendChild(a);
    }
    box.appendChild(d);
    return box;
  }

  function contacts(ctx, list, own) {
    var box = el("div");
    arr(list).forEach(function (c) {
      var card = el("div", "contact-card");
      card.appendChild(el("strong", null, "👤 " + s(c.name, "formatted_name")));
      if (c.org && s(c.org, "company")) { card.appendChild(el("br")); card.appendChild(el("span", "muted", s(c.org, "company"))); }
      arr(c.phones).forEach(function (p) {
        card.appendChild(el("br"));
        var b = el("bdi", null, s(p, "phone")); b.dir = "ltr"; card.appendChild(b);
      });
      arr(c.emails).forEach(function (e) { card.appendChild(el("br")); card.appendChild(el("bdi", null, s(e, "email"))); });
      if (!own) {
        var add = el("button", "btn", ctx.t.add_contact);
        add.type = "button";
        add.addEventListener("click", function () { ctx.addContact(c, add); });
        card.appendChild(add);
      }
      box.appendChild(card);
    });
    return box;
  }

  // A button that answers the message it belongs to.
  // A label in its own direction: "Book now!" in an Arabic chat, not "!Book now".
  function answer(label, onClick) {
    var b = el("button", "btn", label);
    b.dir = "auto";
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function linkButton(label, href) {
    var a = el("a", "btn", label);
    a.dir = "auto";
    a.href = href;
    if (href.indexOf("tel:") !== 0) { a.target = "_blank"; a.rel = "noopener noreferrer nofollow"; }
    return a;
  }

  function header(ctx, h) {
    var kind = s(h, "type");
    if (!kind) { return null; }
    if (kind === "text") { return el("strong", "header", s(h, "text")); }
    return media(ctx, kind, h[kind] || {});
  }

  function productCard(ctx, item, catalog) {
    if (window.WCShop) { return window.WCShop.card(ctx, item, catalog); }
    var card = el("div", "product-card");
    card.appendChild(el("span", "pin", "🛍"));
    var d = el("div");
    d.appendChild(el("strong", null, s(item, "product_retailer_id") || ctx.t.product));
    if (catalog) { d.appendChild(el("br")); d.appendChild(el("span", "muted", catalog)); }
    card.appendChild(d);
    return card;
  }

  function interactive(ctx, m, o) {
    var box = el("div", "interactive");
    var action = o.action || {};
    var kind = s(o, "type");
    var h = o.header ? header(ctx, o.header) : null;
    if (h) { box.appendChild(h); }
    if (kind === "button_reply" || kind === "list_reply") { box.appendChild(el("span", "reply-choice", "↩ " + s(o[kind], "title"))); }
    if (kind === "nfm_reply") { box.appendChild(el("span", "reply-choice", "↩ " + ctx.t.flow_done)); }
    if (s(o.body, "text")) { var p = el("p"); p.appendChild(text(s(o.body, "text"))); box.appendChild(p); }
    var buttons = el("div", "buttons");
    if (kind === "button") {
      arr(action.buttons).forEach(function (b) {
        var r = b.reply || {};
        buttons.appendChild(answer(s(r, "title"), function () {
          ctx.answer(m, { type: "interactive", interactive: { type: "button_reply", button_reply: { id: s(r, "id"), title: s(r, "title") } } });
        }));
      });
    } else if (kind === "list") {
      var det = el("details", "list");
      det.appendChild(el("summary", null, "☰ " + (s(action, "button") || ctx.t.view_list)));
      arr(action.sections).forEach(function (sec) {
        if (s(sec, "title")) { det.appendChild(el("strong", null, s(sec, "title"))); }
        arr(sec.rows).forEach(function (r) {
          var reply = { id: s(r, "id"), title: s(r, "title") };
          if (s(r, "description")) { reply.description = s(r, "description"); }
          var b = answer(s(r, "title"), function () {
            ctx.answer(m, { type: "interactive", interactive: { type: "list_reply", list_reply: reply } });
          });
          b.classList.add("row");
          if (reply.description) { b.appendChild(el("span", "muted", reply.description)); }
          det.appendChild(b);
        });
      });
      buttons.appendChild(det);
    } else if (kind === "cta_url") {
      var pr = action.parameters || {};
      buttons.appendChild(linkButton("↗ " + s(pr, "display_text"), s(pr, "url")));
    } else if (kind === "location_request_message") {
      buttons.appendChild(answer("📍 " + ctx.t.share_location, function () { ctx.requestLocation(m); }));
    } else if (kind === "flow") {
      var fp = action.parameters || {};
      buttons.appendChild(answer(s(fp, "flow_cta") || ctx.t.open, function () { ctx.openFlow(m); }));
    } else if (kind === "product") {
      box.appendChild(productCard(ctx, action, s(action, "catalog_id")));
    } else if (kind === "product_list") {
      var items = 0;
      var det2 = el("details", "list");
      det2.appendChild(el("summary", null, "🛍 " + ctx.t.view_items));
      arr(action.sections).forEach(function (sec) {
        if (s(sec, "title")) { det2.appendChild(el("strong", null, s(sec, "title"))); }
        arr(sec.product_items).forEach(function (it) { items += 1; det2.appendChild(productCard(ctx, it, "")); });
      });
      box.appendChild(el("span", "muted", fill(ctx.t, "products", count(ctx.lang, items))));
      buttons.appendChild(det2);
    } else if (kind === "catalog_message") {
      var cat = action.parameters || {};
      box.appendChild(productCard(ctx, { product_retailer_id: s(cat, "thumbnail_product_retailer_id") }, ""));
      if (window.WCShop) {
        buttons.appendChild(answer("🛍 " + ctx.t.view_catalog, function () { window.WCShop.openCatalog(); }));
      } else { buttons.appendChild(el("span", "btn", "🛍 " + ctx.t.view_catalog)); }
    } else if ((kind === "order_details" || kind === "order_status") && window.WCPay) {
      box.appendChild(window.WCPay.card(ctx, m, o));
    } else if (kind === "carousel") {
      var strip = el("div", "carousel");
      arr(action.cards).slice().sort(function (a, b) { return (a.card_index || 0) - (b.card_index || 0); }).forEach(function (c) {
        var card = el("div", "carousel-card");
        var ch = c.header ? header(ctx, c.header) : null;
        if (ch) { card.appendChild(ch); }
        if (s(c.body, "text")) { var cp = el("p"); cp.appendChild(text(s(c.body, "text"))); card.appendChild(cp); }
        var ca = c.action || {};
        if (ca.name === "cta_url" || ca.parameters) {
          card.appendChild(linkButton("↗ " + s(ca.parameters, "display_text"), s(ca.parameters, "url")));
        }
        arr(ca.buttons).forEach(function (b) {
          var q = b.quick_reply || b.reply || {};
          card.appendChild(answer(s(q, "title"), function () {
            ctx.answer(m, { type: "interactive", interactive: { type: "button_reply", button_reply: { id: s(q, "id"), title: s(q, "title") } } });
          }));
        });
        strip.appendChild(card);
      });
      box.appendChild(strip);
    }
    if (s(o.footer, "text")) { box.appendChild(el("p", "footer", s(o.footer, "text"))); }
    if (buttons.childNodes.length) { box.appendChild(buttons); }
    return box;
  }

  // A limited-time offer: its text, and when it ends, in the reader's language.
  function offer(ctx, o) {
    var line = el("p", "offer", "🏷 " + s(o, "text"));
    line.dir = "auto";
    if (o.expiration_time_ms !== undefined) {
      var d = new Date(Number(o.expiration_time_ms));
      var when;
      try {
        when = d.toLocaleString(ctx.lang === "ar" ? "ar-EG" : ctx.lang, { dateStyle: "medium", timeStyle: "short" });
      } catch (_) { when = d.toISOString(); }
      line.appendChild(el("span", "muted", " · " + ctx.t.offer_ends.replace("{when}", when)));
    }
    return line;
  }

  function template(ctx, m, o) {
    var box = el("div", "template");
    if (o.header) { var h = header(ctx, o.header); if (h) { box.appendChild(h); } }
    if (o.limited_time_offer) { box.appendChild(offer(ctx, o.limited_time_offer)); }
    if (s(o, "body")) { var p = el("p"); p.appendChild(text(s(o, "body"))); box.appendChild(p); }
    if (s(o, "footer")) { box.appendChild(el("p", "footer", s(o, "footer"))); }
    var buttons = el("div", "buttons");
    arr(o.buttons).forEach(function (b) {
      var label = s(b, "text");
      switch (s(b, "type")) {
        case "QUICK_REPLY":
          buttons.appendChild(answer(label, function () {
            ctx.answer(m, { type: "button", button: { payload: s(b, "payload") || label, text: label } });
          }));
          break;
        case "URL": buttons.appendChild(linkButton("↗ " + label, s(b, "url"))); break;
        case "PHONE_NUMBER": buttons.appendChild(linkButton("📞 " + label, "tel:" + s(b, "phone_number"))); break;
        case "COPY_CODE": case "OTP":
          buttons.appendChild(answer("⧉ " + (label || ctx.t.copy_code), function (e) { ctx.copy(s(b, "code"), e.currentTarget); }));
          break;
        case "FLOW": buttons.appendChild(answer(label, function () { ctx.openFlow(m); })); break;
        default: buttons.appendChild(el("span", "btn", label));
      }
    });
    arr(o.cards).forEach(function (c) { buttons.appendChild(el("span", "btn", s(c, "body") || "")); });
    if (buttons.childNodes.length) { box.appendChild(buttons); }
    return box;
  }

  // What a message says, by its type.
  function body(ctx, m) {
    if (m.deleted) { return el("em", "muted", ctx.t.deleted); }
    var o = m[m.type] || {};
    var own = m.from !== m.chat;
    switch (m.type) {
      case "text": return o.preview_url ? preview(text(s(o, "body"))) : text(s(o, "body"));
      case "image": case "video": case "audio": case "document": case "sticker": return media(ctx, m.type, o, m);
      case "location": return location(ctx, o);
      case "contacts": return contacts(ctx, o, own);
      case "interactive": return interactive(ctx, m, o);
      case "template": return template(ctx, m, o);
      case "button": return el("span", "reply-choice", "↩ " + s(o, "text"));
      case "reaction": return el("span", null, fill(ctx.t, "reacted", s(o, "emoji")));
      case "order": if (window.WCShop) { return window.WCShop.order(ctx, o); } return el("em", "muted", fill(ctx.t, "unsupported", m.type));
      default: return el("em", "muted", fill(ctx.t, "unsupported", m.type));
    }
  }

  // One line saying what a message is: the chat list's preview and quotes.
  function summary(t, m) {
    if (!m) { return ""; }
    if (m.deleted) { return t.deleted; }
    var o = m[m.type] || {};
    switch (m.type) {
      case "text": return s(o, "body");
      case "image": case "video": case "audio": case "document": case "sticker":
        return ({ image: "📷 ", video: "🎥 ", audio: "🎤 ", document: "📄 ", sticker: "🏷️ " })[m.type] +
          (s(o, "caption") || s(o, "filename") || t[m.type]);
      case "location": return "📍 " + (s(o, "name") || s(o, "address") || t.location);
      case "contacts": return "👤 " + arr(o).map(function (c) { return s(c.name, "formatted_name"); }).join(", ");
      case "reaction": return fill(t, "reacted", s(o, "emoji"));
      case "interactive":
        return s(o.body, "text") || s(o.button_reply, "title") || s(o.list_reply, "title") || t.flow_done;
      case "template": return s(o, "body") || s(o, "name");
      case "button": return s(o, "text");
      case "order": return "🛒 " + (t.order || m.type);
      default: return "[" + m.type + "]";
    }
  }

  function tick(t, status) {
    var map = { sent: ["tick", "✓", t.sent], delivered: ["tick", "✓✓", t.delivered], received: ["tick", "✓✓", t.delivered],
      read: ["tick read", "✓✓", t.read], failed: ["tick failed", "⚠", t.failed] };
    var v = map[status] || map.sent;
    var span = el("span", v[0], v[1]);
    span.title = v[2];
    span.setAttribute("aria-label", v[2]);
    span.setAttribute("data-status", status);
    return span;
  }

  // HH:MM on the 24-hour clock, in the language's digits (Arabic-Indic for Arabic), as the
  // business's inbox writes times.
  function clock(lang, seconds) {
    var d = new Date(Number(seconds) * 1000);
    var locale = lang === "ar" ? "ar-EG" : lang;
    try { return d.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", hour12: false }); } catch (_) { return d.toISOString().slice(11, 16); }
  }

  // The day of a message (this device's time, as its clock) as a separator names it: Today,
  // Yesterday, else the date in the language. `key` tells days apart.
  function day(ctx, seconds) {
    var d = new Date(Number(seconds) * 1000);
    var key = function (x) { return x.getFullYear() + "-" + (x.getMonth() + 1) + "-" + x.getDate(); };
    var today = new Date(), yesterday = new Date();
    yesterday.setDate(today.getDate() - 1);
    var label;
    if (key(d) === key(today)) { label = ctx.t.today; } else if (key(d) === key(yesterday)) { label = ctx.t.yesterday; } else {
      var locale = ctx.lang === "ar" ? "ar-EG" : ctx.lang;
      try { label = d.toLocaleDateString(locale, { day: "numeric", month: "long", year: "numeric" }); } catch (_) { label = d.toISOString().slice(0, 10); }
    }
    return { key: key(d), label: label };
  }

  // A separator before the first message of a day.
  function daySeparator(ctx, seconds) {
    var dd = day(ctx, seconds);
    var sep = el("div", "day-sep");
    sep.setAttribute("data-day", dd.key);
    sep.appendChild(el("span", null, dd.label));
    return sep;
  }

  // A whole bubble: the quote it replies to, what it says, time and tick, reactions, and the
  // reply and react buttons.
  function bubble(ctx, m) {
    var own = m.from !== m.chat;
    var b = el("div", own ? "bubble out" : "bubble");
    b.id = "m-" + m.id;
    b.setAttribute("data-kind", m.type);
    if (m.type === "interactive" && m.interactive) { b.setAttribute("data-interactive", s(m.interactive, "type")); }
    if (m.context && m.context.id) {
      var q = el("a", "quote", summary(ctx.t, ctx.lookup(m.context.id)) || "…");
      q.href = "#m-" + m.context.id;
      // A quote in another direction than the page (English in Arabic) keeps its own.
      q.dir = "auto";
      q.title = ctx.t.replying_to;
      b.appendChild(q);
    }
    b.appendChild(body(ctx, m));
    var meta = el("span", "meta");
    var time = el("time", null, clock(ctx.lang, m.timestamp));
    time.dateTime = new Date(Number(m.timestamp) * 1000).toISOString();
    meta.appendChild(time);
    if (own) { meta.appendChild(document.createTextNode(" ")); meta.appendChild(tick(ctx.t, m.status)); }
    b.appendChild(meta);
    b.appendChild(el("span", "wc-reactions"));
    if (!m.deleted && m.type !== "reaction") {
      var tools = el("span", "bubble-tools");
      var reply = answer("↩", function () { ctx.replyTo(m); });
      reply.setAttribute("aria-label", ctx.t.reply); reply.title = ctx.t.reply; reply.className = "tool";
      var react = answer("☺", function (e) { ctx.reactTo(m, e.currentTarget); });
      react.setAttribute("aria-label", ctx.t.react); react.title = ctx.t.react; react.className = "tool";
      tools.appendChild(reply); tools.appendChild(react);
      b.appendChild(tools);
    }
    return b;
  }

  // The decimals of `currency` (ISO 4217, as the browser knows it; 2 when it does not).
  function digits(currency) {
    try {
      return new Intl.NumberFormat("en", { style: "currency", currency: currency }).resolvedOptions().maximumFractionDigits;
    } catch (_) { return 2; }
  }
  // `minor` units of `currency` as the reader's language writes money (Arabic-Indic digits in
  // Arabic): the product cards, the cart and the payment messages all show money this way. In
  // Arabic the currency's symbol is set apart (Unicode isolates): in right-to-left text the `$`
  // of `US$` would otherwise be drawn before the letters (`$US`).
  function money(lang, minor, currency) {
    var d = digits(currency);
    var n = minor / Math.pow(10, d);
    try {
      var f = new Intl.NumberFormat(lang === "ar" ? "ar-EG" : "en-US", {
        style: "currency", currency: currency, minimumFractionDigits: d, maximumFractionDigits: d,
      });
      if (lang !== "ar") { return f.format(n); }
      return f.formatToParts(n).map(function (p) {
        return p.type === "currency" ? "\u2066" + p.value + "\u2069" : p.value;
      }).join("");
    } catch (_) { return n.toFixed(d) + " " + currency; }
  }

  window.WCView = {
    bubble: bubble, daySeparator: daySeparator, day: day, summary: summary, tick: tick, format: format, el: el, clock: clock, digits: digits, money: money, count: count,
  };
})();
