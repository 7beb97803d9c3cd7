// Risala web app: a little plain JavaScript on top of pages that work without it.
// - forms with data-confirm ask before they submit;
// - role selects save at once with fetch, sending the session's CSRF token in X-CSRF-Token;
// - a template form's preview follows its body and examples as they are typed.
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

  document.querySelectorAll("form.template-form").forEach(function (form) {
    var source = form.querySelector("[data-preview-source]");
    var target = form.querySelector("[data-preview]");
    if (!source || !target) { return; }
    function update() {
      var text = source.value;
      form.querySelectorAll("input[data-var]").forEach(function (input) {
        if (input.value) { text = text.split(input.getAttribute("data-var")).join(input.value); }
      });
      target.textContent = text;
    }
    form.addEventListener("input", update);
  });
})();
