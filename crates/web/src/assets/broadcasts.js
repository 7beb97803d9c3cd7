// Broadcasts: a broadcast's page reloads its progress when the event stream says the
// broadcast (or a conversation: a delivery, a read, a reply) changed, at most every 300 ms;
// the form reads a chosen CSV file into its text field.
(function () {
  "use strict";
  var box = document.querySelector("[data-broadcast-progress]");
  if (box && window.EventSource && window.fetch) {
    var id = box.getAttribute("data-broadcast-progress");
    var url = box.getAttribute("data-url");
    var busy = false, again = false;
    var reload = function () {
      if (busy) { again = true; return; }
      busy = true;
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (t) { if (t !== null) { box.innerHTML = t; } })
        .catch(function () {})
        .then(function () {
          setTimeout(function () { busy = false; if (again) { again = false; reload(); } }, 300);
        });
    };
    // Open only while the page is shown (see app.js), catching up on each opening.
    var events = null;
    var listen = function () {
      if (events) { return; }
      events = new EventSource(box.getAttribute("data-events"));
      events.onmessage = function (e) {
        var d;
        try { d = JSON.parse(e.data); } catch (_) { return; }
        if ((d.kind === "broadcast" && d.id === id) || d.kind === "chat" || d.kind === "labels") { reload(); }
      };
      events.onopen = reload;
    };
    listen();
    window.addEventListener("pagehide", function () { if (events) { events.close(); events = null; } });
    window.addEventListener("pageshow", function (e) { if (e.persisted) { listen(); } });
  }
  var file = document.getElementById("csv_file");
  var text = document.getElementById("csv");
  var error = document.getElementById("csv-file-error");
  // A file that is not CSV text (a picture, a spreadsheet's binary file) is refused with a
  // message, and the import box keeps what it had.
  var refuse = function () {
    file.value = "";
    if (error) { error.textContent = file.getAttribute("data-not-csv"); error.hidden = false; }
  };
  if (file && text && window.FileReader && window.TextDecoder) {
    file.addEventListener("change", function () {
      var f = file.files && file.files[0];
      if (error) { error.hidden = true; error.textContent = ""; }
      if (!f) { return; }
      var named = /\.(csv|txt)$/i.test(f.name);
      var typed = !f.type || /^text\//.test(f.type) || /csv/.test(f.type);
      if (!named && !typed) { refuse(); return; }
      var r = new FileReader();
      r.onload = function () {
        var t;
        try { t = new TextDecoder("utf-8", { fatal: true }).decode(r.result); } catch (_) { refuse(); return; }
        if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(t)) { refuse(); return; }
        text.value = t.replace(/^\ufeff/, "");
      };
      r.readAsArrayBuffer(f);
    });
  }
})();
