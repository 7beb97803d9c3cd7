// Risala web app: a little plain JavaScript on top of pages that work without it.
// - forms with data-confirm ask before they submit;
// - role selects save at once with fetch, sending the session's CSRF token in X-CSRF-Token.
(function () {
  "use strict";
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
})();
