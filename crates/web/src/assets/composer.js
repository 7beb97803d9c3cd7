// Risala web app: the composer's live parts, on top of forms that work without them.
// - opening a chat marks the customer's messages read (POST …/read);
// - typing shows the customer the typing indicator (POST …/typing, at most every 10 s; the
//   indicator lasts up to 25 s, as Meta's);
// - the template form's preview follows the fields (POST …/preview returns the preview alone).
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
