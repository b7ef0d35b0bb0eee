/* Planner: the period filter on dated layers, and a segment's accident history on a click. */
(function () {
  "use strict";
  var map = QalaMap.create("map");
  var DATED = {"dig_orders": "issued_on", "repair_works": "starts_on", "appeals": "registered_at"};
  var $ = function (id) { return document.getElementById(id); };
  if (!map) return;

  function applyPeriod() {
    var days = parseInt($("period").value, 10);
    var since = days ? new Date(Date.now() - days * 86400000).toISOString().slice(0, 10) : null;
    map.getStyle().layers.forEach(function (l) {
      var id = l.metadata && l.metadata["qala:layer"], field = DATED[id];
      if (!field) return;
      /* aggregated cells (low zoom) carry no date: they stay */
      map.setFilter(l.id, since ? ["any", ["!", ["has", field]], [">=", ["to-string", ["get", field]], since]] : null);
    });
    document.body.dataset.period = $("period").value;
  }

  function applyKinds() {
    var kinds = Array.prototype.filter.call(document.querySelectorAll("input[data-kind]"), function (b) { return b.checked; })
      .map(function (b) { return b.dataset.kind; });
    map.setFilter("network_segments", ["in", ["get", "kind"], ["literal", kinds]]);
  }

  function li(text) { var el = document.createElement("li"); el.textContent = text; return el; }

  function showSegment(id) {
    fetch("/planner/segments/" + encodeURIComponent(id) + "/accidents")
      .then(function (r) { return r.json(); })
      .then(function (d) {
        var s = d.segment;
        if (!s) return;
        $("segment-title").textContent = [s.kind, s.material, s.diameter_mm ? s.diameter_mm + " mm" : "",
                                          s.year_laid, s.operator].filter(Boolean).join(" · ");
        var ul = $("segment-accidents");
        ul.replaceChildren();
        d.accidents.forEach(function (a) { ul.appendChild(li(a.registered_at.slice(0, 10) + " · " + a.number + " · " + a.category + " · " + a.status)); });
        if (!d.accidents.length) ul.appendChild(li("—"));
        $("segment").hidden = false;
        $("segment").dataset.segment = String(s.id);
      });
  }

  map.on("load", function () {
    $("period").addEventListener("change", applyPeriod);
    document.querySelectorAll("input[data-kind]").forEach(function (b) { b.addEventListener("change", applyKinds); });
    map.on("click", "network_segments", function (e) {
      var f = e.features && e.features[0];
      if (f && f.id !== undefined) showSegment(f.id);
    });
    map.on("mouseenter", "network_segments", function () { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "network_segments", function () { map.getCanvas().style.cursor = ""; });
  });
  window.qalaShowSegment = showSegment;
})();
