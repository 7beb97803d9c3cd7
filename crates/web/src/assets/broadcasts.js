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
  if (file && text && window.FileReader) {
    file.addEventListener("change", function () {
      var f = file.files && file.files[0];
      if (!f) { return; }
      var r = new FileReader();
      r.onload = function () { text.value = r.result; };
      r.readAsText(f);
    });
  }
})();
