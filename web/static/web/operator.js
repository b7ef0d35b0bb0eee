/* Operator console: type an address, arrows + Enter pick it, the map flies there, the card fills,
   the form registers the appeal. Everything is written with textContent: nothing a caller said runs. */
(function () {
  "use strict";
  var map = QalaMap.create("map");
  var $ = function (id) { return document.getElementById(id); };
  var input = $("search"), list = $("results"), active = -1, hits = [], timer = null, seq = 0;
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  var registered = {type: "FeatureCollection", features: []};
  var names = JSON.parse($("names").textContent);
  function state(code) { return names.states[code] || code; }
  function category(code) { return names.categories[code] || code; }
  function role(code) {
    var parts = code.split(":");
    return (names.roles[parts[0]] || parts[0]) + (parts[1] ? " (" + (names.kinds[parts[1]] || parts[1]) + ")" : "");
  }

  /* "/" from anywhere outside a field starts a new search */
  document.addEventListener("keydown", function (ev) {
    var t = ev.target.tagName;
    if (ev.key === "/" && t !== "INPUT" && t !== "TEXTAREA" && t !== "SELECT") {
      ev.preventDefault(); input.focus(); input.select();
    }
  });

  if (map) {
    map.on("load", function () {
      map.addSource("registered", {type: "geojson", data: registered});
      map.addLayer({id: "registered", type: "circle", source: "registered",
                    paint: {"circle-radius": 8, "circle-color": "#dc143c",
                            "circle-stroke-color": "#fff", "circle-stroke-width": 2}});
    });
    map.on("click", function (e) { choose({lon: e.lngLat.lng, lat: e.lngLat.lat, label: ""}, false); });
  }

  function li(text, cls) {
    var el = document.createElement("li");
    el.textContent = text;
    if (cls) el.className = cls;
    return el;
  }

  function fill(id, items, fmt) {
    var ul = $(id);
    ul.replaceChildren();
    (items || []).forEach(function (x) { var r = fmt(x); ul.appendChild(li(r[0], r[1])); });
    if (!ul.children.length) ul.appendChild(li("—"));
  }

  function render() {
    list.replaceChildren();
    hits.forEach(function (h, i) {
      var el = li(h.label, i === active ? "active" : "");
      el.id = "result-" + i;
      el.setAttribute("role", "option");
      el.setAttribute("aria-selected", i === active ? "true" : "false");
      el.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(h, true); });
      list.appendChild(el);
    });
    input.setAttribute("aria-expanded", hits.length ? "true" : "false");
    if (active >= 0 && hits.length) input.setAttribute("aria-activedescendant", "result-" + active);
    else input.removeAttribute("aria-activedescendant");
  }

  function search() {
    var q = input.value.trim(), mine = ++seq;
    $("search-error").hidden = true;
    if (!q) { hits = []; render(); return; }
    fetch("/api/search?" + new URLSearchParams({q: q, limit: 8}))
      .then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
      .then(function (res) {
        if (mine !== seq) return;  /* a newer keystroke won */
        if (!res[0]) { hits = []; render(); $("search-error").textContent = res[1].detail; $("search-error").hidden = false; return; }
        hits = res[1].results; active = hits.length ? 0 : -1; render();
      });
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 120); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" && hits.length) { active = (active + 1) % hits.length; render(); ev.preventDefault(); }
    else if (ev.key === "ArrowUp" && hits.length) { active = (active - 1 + hits.length) % hits.length; render(); ev.preventDefault(); }
    else if (ev.key === "Enter") { ev.preventDefault(); if (active >= 0 && hits[active]) choose(hits[active], true); }
    else if (ev.key === "Escape") { hits = []; render(); }
  });

  function highlight(yardId) {
    if (!map || !map.getSource("highlight")) return;
    var empty = {type: "FeatureCollection", features: []};
    if (!yardId) { map.getSource("highlight").setData(empty); return; }
    fetch("/yards/" + encodeURIComponent(yardId) + ".geojson").then(function (r) { return r.ok ? r.json() : empty; })
      .then(function (fc) { map.getSource("highlight").setData(fc); });
  }

  function choose(h, fly) {
    hits = []; render();
    if (h.label) input.value = h.label;
    $("f-lon").value = h.lon; $("f-lat").value = h.lat; $("f-address").value = h.label || "";
    $("point-label").textContent = (h.label ? h.label + " · " : "") + h.lat.toFixed(5) + ", " + h.lon.toFixed(5);
    if (map && fly) map.flyTo({center: [h.lon, h.lat], zoom: 17, speed: 2, padding: {left: document.querySelector(".panel").offsetWidth + 20, top: 0, right: 0, bottom: 0}});
    highlight(h.yard_id);
    fetch("/api/here?" + new URLSearchParams({lon: h.lon, lat: h.lat}))
      .then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
      .then(function (res) {
        if (!res[0]) { $("search-error").textContent = res[1].detail; $("search-error").hidden = false; return; }
        card(res[1], h);
      });
    $("f-category").focus();
  }

  function card(d, h) {
    var b = d.building, y = d.yard;
    $("card-title").textContent = b ? [b.street, b.house_number].filter(Boolean).join(", ") + (b.name ? " · " + b.name : "") : (h.label || "");
    $("card-yard").textContent = y ? (y.name || ("#" + y.id)) + (y.ksk ? " · " + y.ksk : "") + " · " + (names.paving[y.paving_state] || y.paving_state) : "—";
    $("card-district").textContent = d.district ? d.district.name : "—";
    fill("card-responsible", d.responsible, function (r) { return [role(r.role) + ": " + r.organization + (r.phone ? " · " + r.phone : "")]; });
    fill("card-digs", d.dig_orders, function (o) {
      return [o.number + " · " + o.contractor + " · " + o.restore_by + (o.contractor_phone ? " · " + o.contractor_phone : ""), o.overdue ? "overdue" : ""];
    });
    fill("card-repairs", d.repair_works, function (r) { return [r.title + " · " + r.status + " · " + (r.ends_on || r.starts_on)]; });
    fill("card-appeals", d.appeals, function (a) { return [a.number + " · " + category(a.category) + " · " + state(a.status)]; });
    fill("card-accidents", d.network_accidents, function (a) { return [a.number + " · " + category(a.category) + " · " + a.registered_at.slice(0, 10)]; });
    $("card").hidden = false;
  }

  /* which operator steps each state allows (the workflow refuses the others anyway) */
  var STEPS = {registered: ["accept"], accepted: ["resolve", "incident"]};
  var current = null;
  function showSteps(number, status, title) {
    current = number;
    $("current-status").textContent = title;
    document.querySelectorAll("#next-steps button").forEach(function (b) {
      b.disabled = (STEPS[status] || []).indexOf(b.dataset.action) < 0;
    });
    $("next-steps").hidden = false;
  }
  document.querySelectorAll("#next-steps button").forEach(function (b) {
    b.addEventListener("click", function () {
      $("form-error").hidden = true;
      fetch("/operator/appeals/" + encodeURIComponent(current) + "/" + b.dataset.action, {
        method: "POST", headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
        body: JSON.stringify({note: $("f-note").value})})
        .then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
        .then(function (res) {
          if (!res[0]) { $("form-error").textContent = res[1].detail; $("form-error").hidden = false; return; }
          showSteps(res[1].number, res[1].status, res[1].status_title);
          $("f-note").value = "";
        });
    });
  });

  $("f-category").addEventListener("change", function () {
    var cat = $("f-category").value;
    Array.prototype.forEach.call($("f-incident").options, function (o) {
      o.hidden = Boolean(o.value) && o.dataset.category !== cat;
    });
    $("f-incident").value = "";
  });

  // One key per filled form: a retry after a lost answer returns the appeal already stored.
  function newRequestKey() {
    return Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)), function (b) {
      return (b + 256).toString(16).slice(1); }).join("");
  }
  var requestKey = newRequestKey();

  $("appeal-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = Object.fromEntries(new FormData(ev.target).entries());
    $("form-error").hidden = true; $("registered").hidden = true; $("f-submit").disabled = true;
    fetch(document.body.dataset.registerUrl || "/operator/appeals", {
      method: "POST", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Idempotency-Key": requestKey}})
      .then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
      .then(function (res) {
        $("f-submit").disabled = false;
        if (!res[0]) {
          // the form changed after a stored-but-unanswered send: the message names that appeal
          if (res[1].type === "urn:qala:error:idempotency-key-reused") requestKey = newRequestKey();
          $("form-error").textContent = res[1].detail; $("form-error").hidden = false; return;
        }
        requestKey = newRequestKey();
        var a = $("registered-number");
        a.textContent = res[1].number; a.href = res[1].url;
        $("registered").hidden = false;
        registered.features.push({type: "Feature", properties: {number: res[1].number},
                                  geometry: {type: "Point", coordinates: [res[1].lon, res[1].lat]}});
        if (map && map.getSource("registered")) map.getSource("registered").setData(registered);
        showSteps(res[1].number, "registered", names.states.registered);
        $("f-description").value = ""; $("f-name").value = ""; $("f-phone").value = "";
        input.focus();
      }, function () {
        $("f-submit").disabled = false;
        $("form-error").textContent = names.no_answer; $("form-error").hidden = false;
      });
  });
})();
