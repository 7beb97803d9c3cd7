// Risala web chat: shopping. Product, product list and catalog messages are drawn as product
// cards from the business's catalog (GET /customer/v1/chats/{number}/catalog: image, name,
// price in the reader's language, description, stock); "Add to cart" fills a cart per chat,
// the cart dialog changes quantities and shows the total, and "Send cart" sends an `order`
// message. The prices the page sends are only what it shows: the server prices the order from
// the catalog. The header's button opens the storefront (every product of the connected
// catalog) while the cart is empty, the cart otherwise, and each leads to the other. With the
// number's cart turned off there is no cart; with the catalog hidden there is no storefront. webchat.js hands over its API and hooks with WCShop.attach.
(function () {
  "use strict";
  var host = null; // {api, send, fail, notice, number, redraw, t, lang}
  var catalogs = {}; // business number -> {data} once loaded, {loading: true} while loading
  var carts = {}; // "risala.cart.{customer}.{business number}" -> {items: [{id, qty}]}
  var reread = {}; // "number\nretailer id" -> true once the catalog was read again for it

  function el(tag, cls, text) { return window.WCView.el(tag, cls, text); }
  function t(key, n) {
    var v = typeof n === "number" ? num(n) : n;
    return String(host.t[key] || key).replace("{n}", v).replace("{text}", v);
  }

  // Minor units as money in the reader's language (Arabic-Indic digits in Arabic).
  function money(minor, currency) { return window.WCView.money(host.lang, minor, currency); }
  // A count in the reader's digits.
  function num(n) { return window.WCView.count(host.lang, n); }
  function exponent(currency) { return window.WCView.digits(currency); }

  function load(number) {
    if (!catalogs[number]) {
      catalogs[number] = { loading: true };
      host.api("GET", "/chats/" + number + "/catalog").then(function (v) {
        catalogs[number] = { data: v };
        if (host.number() === number) { host.redraw(); drawButton(); }
      }, function () { catalogs[number] = { data: null }; });
    }
    return catalogs[number].data;
  }
  function info(number) { return load(number) || null; }
  function product(number, rid) {
    var d = info(number);
    var found = null;
    ((d && d.catalog && d.catalog.products) || []).forEach(function (p) { if (p.retailer_id === rid) { found = p; } });
    // A product the page has not seen (the business changed its catalog since): the catalog
    // is read again once for it, and the cards drawn again when it arrives.
    var key = number + "\n" + rid;
    if (!found && d && !reread[key]) {
      reread[key] = true;
      delete catalogs[number];
      load(number);
    }
    return found;
  }
  function orderable(p) { return p && ["in stock", "preorder", "available for order"].indexOf(p.availability) >= 0; }
  // A cart is kept per customer and business on this device (localStorage), so a reload or
  // signing in again finds it; another customer on the device has their own.
  function key(number) { return "risala.cart." + (host.me() || "") + "." + number; }
  function cart(number) {
    var k = key(number);
    if (!carts[k]) {
      var saved = null;
      try { saved = JSON.parse(localStorage.getItem(k)); } catch (_) { saved = null; }
      var items = saved && Array.isArray(saved.items) ? saved.items.filter(function (i) {
        return i && typeof i.id === "string" && i.id && Number.isInteger(i.qty) && i.qty >= 1;
      }) : [];
      carts[k] = { items: items };
    }
    return carts[k];
  }
  function save(number) {
    var k = key(number), c = carts[k];
    try {
      if (c && c.items.length) { localStorage.setItem(k, JSON.stringify({ items: c.items })); } else { localStorage.removeItem(k); }
    } catch (_) { /* private mode: the cart lasts as long as the page */ }
  }
  function count(number) { return cart(number).items.reduce(function (a, i) { return a + i.qty; }, 0); }
  function say(text) {
    host.notice(text, true);
    var note = document.getElementById("shop-note");
    if (note) { note.textContent = text; note.hidden = false; }
  }
  function unsay() { var note = document.getElementById("shop-note"); if (note) { note.hidden = true; } }

  // The currency of the cart: its first priced line's. One cart never mixes currencies (an
  // order is refused in several), so a product in another currency is not added.
  function cartCurrency(number) {
    var cur = "";
    cart(number).items.forEach(function (i) { var p = product(number, i.id); if (p && !cur) { cur = p.currency; } });
    return cur;
  }
  function add(number, rid) {
    var c = cart(number);
    var p = product(number, rid), cur = cartCurrency(number);
    if (p && cur && p.currency !== cur) {
      say(t("cart_one_currency").replace("{a}", cur).replace("{b}", p.currency));
      return false;
    }
    var line = c.items.filter(function (i) { return i.id === rid; })[0];
    if (line) { line.qty += 1; } else { c.items.push({ id: rid, qty: 1 }); }
    save(number);
    drawButton();
    return true;
  }

  // ---- product cards ----------------------------------------------------------------------
  function card(ctx, item, catalogId) {
    var number = host.number();
    var rid = item.product_retailer_id || "";
    var p = product(number, rid);
    var box = el("div", "product-card shop-card");
    box.setAttribute("data-retailer-id", rid);
    if (!p) {
      box.appendChild(el("span", "pin", "🛍"));
      box.appendChild(el("strong", null, rid || ctx.t.product));
      if (catalogId) { box.appendChild(el("span", "muted", catalogId)); }
      return box;
    }
    // The page's policy lets product images in over https only; without a referrer, the
    // image's host does not learn the chat's address.
    if (p.image_url && /^https:\/\//i.test(p.image_url)) {
      var img = el("img", "shop-img");
      img.alt = ""; img.loading = "lazy"; img.referrerPolicy = "no-referrer"; img.src = p.image_url;
      img.addEventListener("error", function () { img.replaceWith(el("span", "pin shop-img", "🛍")); });
      box.appendChild(img);
    } else { box.appendChild(el("span", "pin shop-img", "🛍")); }
    var d = el("div", "shop-info");
    d.appendChild(el("strong", "shop-name", p.name));
    var price = el("span", "shop-price", money(p.price, p.currency));
    price.setAttribute("dir", "auto");
    d.appendChild(price);
    if (p.description) { d.appendChild(el("span", "muted shop-desc", p.description)); }
    var data = info(number) || {};
    if (!orderable(p)) {
      d.appendChild(el("span", "shop-stock", t("out_of_stock")));
    } else if (data.cart_enabled) {
      var b = el("button", "btn small shop-add", "+ " + t("add_to_cart"));
      b.type = "button";
      b.setAttribute("data-add", rid);
      b.addEventListener("click", function () {
        if (!add(number, rid)) { return; }
        b.textContent = "✓ " + t("in_cart", num(cartQty(number, rid)));
      });
      d.appendChild(b);
    }
    box.appendChild(d);
    return box;
  }
  function cartQty(number, rid) {
    var line = cart(number).items.filter(function (i) { return i.id === rid; })[0];
    return line ? line.qty : 0;
  }

  // An order message: its items, quantities and total.
  function order(ctx, o) {
    var number = host.number();
    var box = el("div", "shop-order");
    box.appendChild(el("strong", null, "🛒 " + t("order")));
    var list = el("ul", "shop-lines");
    var total = 0, currency = "";
    (o.product_items || []).forEach(function (i) {
      var p = product(number, i.product_retailer_id);
      var li = el("li");
      li.appendChild(el("span", null, (p ? p.name : i.product_retailer_id) + " × " + num(i.quantity)));
      if (i.currency) {
        var minor = Math.round(Number(i.item_price) * Math.pow(10, exponent(i.currency)));
        total += minor * i.quantity; currency = i.currency;
        li.appendChild(el("span", "shop-price", money(minor * i.quantity, i.currency)));
      }
      list.appendChild(li);
    });
    box.appendChild(list);
    if (currency) { box.appendChild(el("strong", "shop-total", t("total", money(total, currency)))); }
    if (o.text) { box.appendChild(el("p", "muted", o.text)); }
    return box;
  }

  // ---- the cart and the storefront --------------------------------------------------------
  function dialog() {
    var d = document.getElementById("shop-dialog");
    if (d) { return d; }
    d = el("dialog", "shop-dialog");
    d.id = "shop-dialog";
    d.setAttribute("aria-labelledby", "shop-title");
    var h = el("h2"); h.id = "shop-title"; d.appendChild(h);
    var body = el("div", "shop-body"); body.id = "shop-body"; d.appendChild(body);
    // A refusal said inside the dialog too: the page's notice sits behind a modal dialog.
    var note = el("p", "alert error shop-note"); note.id = "shop-note"; note.hidden = true;
    note.setAttribute("role", "alert"); d.appendChild(note);
    var actions = el("div", "actions");
    var send = el("button", null, t("send_cart")); send.type = "button"; send.id = "shop-send";
    send.addEventListener("click", sendCart);
    // The storefront from the cart, and the cart from the storefront.
    var browse = el("button", "secondary", "🛍 " + t("browse")); browse.type = "button"; browse.id = "shop-browse";
    browse.addEventListener("click", openCatalog);
    var toCart = el("button", "secondary", "🛒 " + t("view_cart")); toCart.type = "button"; toCart.id = "shop-to-cart";
    toCart.addEventListener("click", openCart);
    var close = el("button", "link", t("close")); close.type = "button";
    close.addEventListener("click", function () { d.close(); });
    actions.appendChild(send); actions.appendChild(browse); actions.appendChild(toCart); actions.appendChild(close);
    d.appendChild(actions);
    document.getElementById("content").appendChild(d);
    return d;
  }
  function drawCart() {
    var number = host.number();
    var d = dialog();
    d.querySelector("#shop-title").textContent = "🛒 " + t("cart");
    unsay();
    var body = d.querySelector("#shop-body");
    body.textContent = "";
    var c = cart(number);
    var total = 0, currency = "", mixed = false;
    if (!c.items.length) { body.appendChild(el("p", "muted", t("cart_empty"))); }
    var list = el("ul", "shop-lines");
    c.items.forEach(function (line) {
      var p = product(number, line.id);
      var li = el("li", "shop-line");
      li.setAttribute("data-line", line.id);
      li.appendChild(el("span", "shop-name", p ? p.name : line.id));
      var minus = el("button", "icon small", "−"); minus.type = "button"; minus.setAttribute("aria-label", t("less"));
      var qty = el("output", "shop-qty", num(line.qty)); qty.setAttribute("aria-label", t("quantity"));
      var plus = el("button", "icon small", "+"); plus.type = "button"; plus.setAttribute("aria-label", t("more"));
      minus.addEventListener("click", function () {
        line.qty -= 1;
        if (line.qty < 1) { c.items = c.items.filter(function (i) { return i !== line; }); }
        save(number); drawCart(); drawButton();
      });
      plus.addEventListener("click", function () { line.qty += 1; save(number); drawCart(); drawButton(); });
      var stepper = el("span", "shop-stepper");
      stepper.appendChild(minus); stepper.appendChild(qty); stepper.appendChild(plus);
      li.appendChild(stepper);
      if (p) {
        if (currency && p.currency !== currency) { mixed = true; }
        total += p.price * line.qty; currency = p.currency;
        li.appendChild(el("span", "shop-price", money(p.price * line.qty, p.currency)));
      }
      list.appendChild(li);
    });
    body.appendChild(list);
    // A total adds up one currency only: a cart kept from before a price changed currency
    // shows none, and cannot be sent until the odd line goes.
    if (mixed) {
      body.appendChild(el("p", "shop-total error", t("cart_mixed")));
    } else if (currency) {
      var tot = el("p", "shop-total", t("total", money(total, currency)));
      tot.id = "shop-total";
      body.appendChild(tot);
    }
    var send = d.querySelector("#shop-send");
    send.hidden = false;
    send.disabled = !c.items.length || mixed;
    d.querySelector("#shop-browse").hidden = !storefront(number);
    d.querySelector("#shop-to-cart").hidden = true;
  }
  // A storefront is offered when the number's catalog is connected and visible.
  function storefront(number) {
    var data = info(number);
    return !!(data && data.catalog && data.catalog_visible);
  }
  function openCart() { drawCart(); var d = dialog(); if (!d.open) { d.showModal(); } }
  function openCatalog() {
    var number = host.number();
    var data = info(number);
    var d = dialog();
    d.querySelector("#shop-title").textContent = data && data.catalog ? data.catalog.name : t("view_catalog");
    unsay();
    var body = d.querySelector("#shop-body");
    body.textContent = "";
    if (!data || !data.catalog || !data.catalog_visible) {
      body.appendChild(el("p", "muted", t("catalog_unavailable")));
    } else {
      data.catalog.products.forEach(function (p) { body.appendChild(card(host, { product_retailer_id: p.retailer_id }, "")); });
    }
    d.querySelector("#shop-send").hidden = true;
    d.querySelector("#shop-browse").hidden = true;
    d.querySelector("#shop-to-cart").hidden = !(data && data.cart_enabled);
    if (!d.open) { d.showModal(); }
  }
  function sendCart() {
    var number = host.number();
    var c = cart(number);
    if (!c.items.length) { return; }
    var items = c.items.map(function (line) {
      var p = product(number, line.id) || { price: 0, currency: "USD" };
      return { product_retailer_id: line.id, quantity: line.qty,
        item_price: p.price / Math.pow(10, exponent(p.currency)), currency: p.currency };
    });
    var data = info(number);
    var notice = document.getElementById("notice");
    notice.classList.remove("error");
    var order = { catalog_id: data && data.catalog ? data.catalog.id : "", text: "", product_items: items };
    host.send({ type: "order", order: order }).then(function () {
      // webchat.js shows a refusal itself and resolves: the cart stays for another try, the
      // reason said in the reader's language (the server's details are for developers), and
      // the catalog read again so the cart shows what changed.
      if (notice.classList.contains("error")) {
        var at = /product_items\[(\d+)\]/.exec(notice.textContent);
        var line = at ? c.items[Number(at[1])] : null;
        var p = line ? product(number, line.id) : null;
        say(p || line ? t("cart_item_refused").replace("{name}", p ? p.name : line.id) : t("cart_refused"));
        delete catalogs[number];
        load(number);
        return;
      }
      c.items = [];
      save(number);
      dialog().close();
      drawButton();
      host.notice(t("order_sent"));
    });
  }

  // The cart button in the chat's header: shown when the number has a cart, with a count.
  function drawButton() {
    var number = host.number();
    var b = document.getElementById("cart-button");
    if (!b) {
      var menu = document.getElementById("menu-button");
      if (!menu) { return; }
      b = el("button", "icon shop-cart-button");
      b.type = "button"; b.id = "cart-button";
      // An empty cart opens the storefront, when there is one; else the cart (with a way to
      // the storefront).
      b.addEventListener("click", function () {
        var n = host.number(), d = info(n) || {};
        if (storefront(n) && (!d.cart_enabled || !count(n))) { openCatalog(); } else { openCart(); }
      });
      menu.parentNode.insertBefore(b, menu);
    }
    var data = number ? info(number) : null;
    b.hidden = !(data && data.catalog && (data.cart_enabled || data.catalog_visible));
    var n = number ? count(number) : 0;
    var shopOnly = !!(data && !data.cart_enabled);
    var label = shopOnly ? t("view_catalog") : t("cart");
    b.textContent = shopOnly ? "🛍" : n ? "🛒 " + num(n) : "🛒";
    b.setAttribute("aria-label", label + (n ? " (" + n + ")" : ""));
    b.title = label;
    var toCart = document.getElementById("shop-to-cart");
    if (toCart) { toCart.textContent = "🛒 " + t("view_cart") + (n ? " (" + num(n) + ")" : ""); }
  }

  window.WCShop = {
    attach: function (h) { host = h; },
    card: card,
    order: order,
    openCatalog: openCatalog,
    chatOpened: function (number) { load(number); drawButton(); },
  };
})();
