// Risala web chat: payment messages. An order_details message shows the order (items, the
// subtotal, tax, shipping, discount and total, formatted for the reader's language from integer
// minor units and their offset), its payment status, and a Pay button: the customer API pays
// it (POST /customer/v1/chats/{number}/orders/{reference_id}/pay). With the sandbox provider
// the payment ends at once; in sandbox mode two more buttons make it fail or expire. With Stripe
// the answer carries the payment page, which opens in a new tab. An order_status message shows
// the order's new status. Hooked into webchat-view.js's interactive renderer.
(function () {
  "use strict";
  var el = function (tag, cls, text) { return window.WCView.el(tag, cls, text); };
  function s(v, k) { return v && typeof v[k] === "string" ? v[k] : ""; }
  function arr(v) { return Array.isArray(v) ? v : []; }

  // `{value, offset}` in `currency` as the reader's language writes money (the server checks
  // that `offset` is the currency's).
  function money(lang, currency, a) {
    return a && typeof a.value === "number" ? window.WCView.money(lang, a.value, currency) : "";
  }

  // The latest state of each order (by chat and reference id): the thread is redrawn as messages
  // and receipts arrive, so a card drawn after a payment shows it at once, and an older answer
  // never replaces a newer one.
  var known = {};
  var live = {};
  function remember(key, o) {
    var had = known[key];
    if (had && had.updated_at > o.updated_at) { return had; }
    known[key] = o;
    (live[key] || []).forEach(function (f) { f(o); });
    return o;
  }

  function statusText(t, o) {
    var p = o.payment_status || "unpaid";
    var text = t["payment_" + p] || p;
    if (o.order_status && o.order_status !== "pending") { text += " · " + (t["order_" + o.order_status] || o.order_status); }
    return text;
  }

  function row(table, label, value, cls) {
    var tr = el("tr", cls);
    tr.appendChild(el("th", null, label)).setAttribute("scope", "row");
    tr.appendChild(el("td", null, value));
    table.appendChild(tr);
  }

  function details(ctx, m, o) {
    var t = ctx.t;
    var p = (o.action || {}).parameters || {};
    var order = p.order || {};
    var currency = s(p, "currency");
    var box = el("div", "order-card");
    box.setAttribute("data-reference", s(p, "reference_id"));
    box.appendChild(el("strong", "order-ref", t.order_ref.replace("{text}", s(p, "reference_id"))));
    var table = el("table", "order-lines");
    arr(order.items).forEach(function (it) {
      var price = it.sale_amount || it.amount;
      var each = price ? { value: price.value * (it.quantity || 1), offset: price.offset } : null;
      row(table, s(it, "name") + " × " + window.WCView.count(ctx.lang, it.quantity || 1), money(ctx.lang, currency, each));
    });
    row(table, t.order_subtotal, money(ctx.lang, currency, order.subtotal), "sum");
    // A line's own description (the business's "VAT 15%", "Welcome discount") beside its name.
    var named = function (label, part) { return s(part, "description") ? label + " (" + s(part, "description") + ")" : label; };
    if (order.tax && order.tax.value) { row(table, named(t.order_tax, order.tax), money(ctx.lang, currency, order.tax)); }
    if (order.shipping && order.shipping.value) { row(table, named(t.order_shipping, order.shipping), money(ctx.lang, currency, order.shipping)); }
    if (order.discount && order.discount.value) { row(table, named(t.order_discount, order.discount), "−" + money(ctx.lang, currency, order.discount)); }
    row(table, t.order_total, money(ctx.lang, currency, p.total_amount), "total");
    box.appendChild(table);
    var state = el("p", "order-state", t.payment_unpaid);
    state.setAttribute("role", "status");
    box.appendChild(state);
    var actions = el("div", "buttons");
    box.appendChild(actions);
    var number = ctx.number ? ctx.number() : "";
    var path = "/chats/" + encodeURIComponent(number) + "/orders/" + encodeURIComponent(s(p, "reference_id"));
    var key = number + "/" + s(p, "reference_id");

    function show(o2) {
      state.textContent = statusText(t, o2);
      box.setAttribute("data-payment", o2.payment_status || "");
      actions.textContent = "";
      if (o2.payment_status === "captured" || o2.order_status === "canceled") { return; }
      if (o2.checkout_url) {
        var a = el("a", "btn", "↗ " + t.pay_open);
        a.href = o2.checkout_url; a.target = "_blank"; a.rel = "noopener noreferrer";
        actions.appendChild(a);
        return;
      }
      var pay = function (outcome) {
        return function (e) {
          e.currentTarget.disabled = true;
          var body = outcome ? { outcome: outcome } : {};
          ctx.api("POST", path + "/pay", body).then(function (o3) {
            remember(key, o3);
            if (o3.checkout_url) { window.open(o3.checkout_url, "_blank", "noopener"); }
          }, function (err) { ctx.fail(err); show(known[key] || o2); });
        };
      };
      var b = el("button", "btn pay", t.pay_now.replace("{text}", money(ctx.lang, currency, p.total_amount)));
      b.type = "button"; b.addEventListener("click", pay(null));
      actions.appendChild(b);
      if (ctx.sandbox && o2.provider === "sandbox") {
        [["failure", t.pay_fail], ["expiry", t.pay_expire]].forEach(function (x) {
          var f = el("button", "btn link small", x[1]);
          f.type = "button"; f.setAttribute("data-outcome", x[0]); f.addEventListener("click", pay(x[0]));
          actions.appendChild(f);
        });
      }
    }
    // Cards of this order on the page (the drawn ones: a redraw leaves old ones detached).
    live[key] = (live[key] || []).filter(function (f) { return document.contains(f.box); });
    var redraw = function (o2) { show(o2); };
    redraw.box = box;
    live[key].push(redraw);
    if (known[key]) { show(known[key]); }
    if (ctx.api && number) {
      ctx.api("GET", path).then(function (o2) { remember(key, o2); }, function () {
        if (!known[key]) { state.textContent = t.payment_unknown; }
      });
    }
    return box;
  }

  function status(ctx, m, o) {
    var p = (o.action || {}).parameters || {};
    var order = p.order || {};
    var box = el("div", "order-card");
    box.appendChild(el("strong", "order-ref", ctx.t.order_ref.replace("{text}", s(p, "reference_id"))));
    box.appendChild(el("p", "order-state", ctx.t["order_" + s(order, "status")] || s(order, "status")));
    if (s(order, "description")) { box.appendChild(el("p", "muted", s(order, "description"))); }
    return box;
  }

  window.WCPay = {
    card: function (ctx, m, o) { return s(o, "type") === "order_status" ? status(ctx, m, o) : details(ctx, m, o); },
    money: money,
  };
})();
