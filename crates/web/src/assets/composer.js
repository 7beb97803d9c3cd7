// Risala web app: the composer's live parts, on top of forms that work without them.
// - opening a chat marks the customer's messages read (POST …/read);
// - typing shows the customer the typing indicator (POST …/typing, at most every 10 s; the
//   indicator lasts up to 25 s, as Meta's);
// - the template form's preview follows the fields (POST …/preview returns the preview alone);
// - typing / at the start of the message opens the quick replies, filtered by shortcut as one
//   types; arrow keys choose, Enter or Tab inserts the rendered text, Escape closes. A quick
//   reply with media attaches it too (its id in the form's quick_reply field, shown with a
//   button that removes it); the text is then the caption, at most 1024 characters.
// Requests send the session's CSRF token in X-CSRF-Token.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: body || ""
    });
  }

  var panel = document.getElementById("composer");
  if (panel) {
    post(panel.getAttribute("data-read"));
    var text = document.getElementById("compose-body");
    var last = 0;
    if (text) {
      text.addEventListener("input", function () {
        var now = Date.now();
        if (now - last > 10000) {
          last = now;
          post(panel.getAttribute("data-typing"));
        }
      });
    }
  }

  var menu = document.getElementById("quick-menu");
  var box = document.getElementById("compose-body");
  if (menu && box) {
    var items = Array.prototype.slice.call(menu.querySelectorAll("[role=option]"));
    var shown = [];
    var current = -1;
    var choose = function (i) {
      current = i;
      items.forEach(function (li) { li.setAttribute("aria-selected", "false"); });
      if (i >= 0 && shown[i]) {
        shown[i].setAttribute("aria-selected", "true");
        box.setAttribute("aria-activedescendant", shown[i].id);
        shown[i].scrollIntoView({ block: "nearest" });
      } else {
        box.removeAttribute("aria-activedescendant");
      }
    };
    var close = function () {
      menu.hidden = true;
      box.setAttribute("aria-expanded", "false");
      choose(-1);
    };
    var filter = function () {
      var m = /^\/(\S*)$/.exec(box.value);
      if (!m) { close(); return; }
      var typed = m[1].toLowerCase();
      shown = items.filter(function (li) {
        var hit = li.getAttribute("data-shortcut").indexOf(typed) === 0;
        li.hidden = !hit;
        return hit;
      });
      if (shown.length === 0) { close(); return; }
      menu.hidden = false;
      box.setAttribute("aria-expanded", "true");
      choose(0);
    };
    var attachment = document.getElementById("quick-attachment");
    var attachedId = document.getElementById("quick-reply-id");
    var attachedName = document.getElementById("quick-attachment-name");
    var attachedImg = document.getElementById("quick-attachment-img");
    var detach = function () {
      attachedId.value = "";
      attachedName.textContent = "";
      attachedImg.hidden = true;
      attachedImg.removeAttribute("src");
      attachment.hidden = true;
      box.required = true;
      box.removeAttribute("maxlength");
    };
    var attach = function (li) {
      var id = li.getAttribute("data-id");
      if (!id) { detach(); return; }
      attachedId.value = id;
      attachedName.textContent = li.getAttribute("data-attached");
      var src = li.getAttribute("data-media-src");
      attachedImg.hidden = !src;
      if (src) { attachedImg.src = src; } else { attachedImg.removeAttribute("src"); }
      attachment.hidden = false;
      // Media goes without text too; an image's, a video's or a document's text is its caption.
      box.required = false;
      if (li.getAttribute("data-media-kind") !== "audio") { box.setAttribute("maxlength", "1024"); }
    };
    document.getElementById("quick-attachment-remove").addEventListener("click", function () {
      detach();
      box.focus();
    });
    var insert = function (li) {
      box.value = li.getAttribute("data-text");
      attach(li);
      close();
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    };
    box.addEventListener("input", filter);
    box.addEventListener("keydown", function (e) {
      if (menu.hidden) { return; }
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        var n = shown.length;
        choose(((current + (e.key === "ArrowDown" ? 1 : -1)) % n + n) % n);
      } else if ((e.key === "Enter" || e.key === "Tab") && current >= 0) {
        e.preventDefault();
        insert(shown[current]);
      } else if (e.key === "Escape") {
        e.preventDefault();
        close();
      }
    });
    items.forEach(function (li) {
      li.addEventListener("mousedown", function (e) { e.preventDefault(); insert(li); });
    });
  }

  var form = document.querySelector("form[data-preview]");
  if (form) {
    var target = document.getElementById("template-preview");
    var button = form.querySelector("[data-preview-button]");
    if (button) { button.hidden = true; }
    var timer = null;
    var update = function () {
      var data = new URLSearchParams(new FormData(form));
      data.delete("csrf");
      post(form.getAttribute("data-preview"), data)
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) { target.innerHTML = html; } });
    };
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 150);
    });
  }
})();
