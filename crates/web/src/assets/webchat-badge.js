// The verified badge in the customer web chat: a green check after the name of an official
// business account in the chat list and the chat header, and the business's info (its name with
// the badge, number, about, description, address, email, websites) when the header is opened.
// webchat.js calls WcBadge.mark(element, chat) after writing a name, and WcBadge.current(chat)
// when a chat opens. The chat's `info` (GET /customer/v1/chats) and `profile`
// (GET /customer/v1/chats/{number}/profile) both carry `is_official_business_account`.
(function () {
  "use strict";
  var T = JSON.parse(document.getElementById("wc-strings").textContent);
  var open = null;

  function official(c) {
    return Boolean(c && ((c.info && c.info.is_official_business_account) || (c.profile && c.profile.is_official_business_account)));
  }

  function badge() {
    var b = document.createElement("span");
    b.className = "wc-official";
    b.setAttribute("role", "img");
    b.setAttribute("aria-label", T.official);
    b.title = T.official;
    b.textContent = "✓";
    return b;
  }

  function mark(el, c) {
    if (!el) { return; }
    var old = el.querySelector(".wc-official");
    if (old) { old.remove(); }
    if (official(c)) { el.appendChild(badge()); }
  }

  function row(dl, label, value, ltr) {
    if (!value) { return; }
    var dt = document.createElement("dt"); dt.textContent = label; dl.appendChild(dt);
    var dd = document.createElement("dd"); var b = document.createElement("bdi");
    if (ltr) { b.dir = "ltr"; }
    b.textContent = value; dd.appendChild(b); dl.appendChild(dd);
  }

  function dialog() {
    var d = document.getElementById("wc-business-info");
    if (d) { return d; }
    d = document.createElement("dialog");
    d.id = "wc-business-info";
    d.className = "wc-dialog";
    d.setAttribute("aria-labelledby", "wc-business-name");
    document.body.appendChild(d);
    return d;
  }

  function show() {
    var c = open;
    if (!c) { return; }
    var d = dialog();
    d.textContent = "";
    var h = document.createElement("h2"); h.id = "wc-business-name";
    var nm = document.createElement("bdi");
    nm.textContent = (c.info && c.info.verified_name) || (c.profile && c.profile.verified_name) || "";
    h.appendChild(nm); mark(h, c); d.appendChild(h);
    if (official(c)) {
      var note = document.createElement("p"); note.className = "wc-official-note";
      note.appendChild(badge()); note.appendChild(document.createTextNode(" " + T.official)); d.appendChild(note);
    }
    var p = (c.profile && c.profile.profile) || {};
    var dl = document.createElement("dl"); dl.className = "facts";
    row(dl, T.business_number, c.info && c.info.display_phone_number, true);
    row(dl, T.about, p.about);
    row(dl, T.business_info, p.description);
    row(dl, "@", p.email, true);
    row(dl, T.websites, (p.websites || []).join(" · "), true);
    d.appendChild(dl);
    var f = document.createElement("form"); f.method = "dialog";
    var b = document.createElement("button"); b.type = "submit"; b.textContent = T.close_info; f.appendChild(b);
    d.appendChild(f);
    d.showModal();
  }

  function current(c) {
    open = c;
    var title = document.querySelector("#chat .chat-title");
    if (title && !title.hasAttribute("data-info")) {
      title.setAttribute("data-info", "1");
      title.setAttribute("role", "button");
      title.setAttribute("tabindex", "0");
      title.setAttribute("aria-label", T.business_info);
      title.addEventListener("click", show);
      title.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); show(); } });
    }
  }

  window.WcBadge = { mark: mark, current: current, show: show };
})();
