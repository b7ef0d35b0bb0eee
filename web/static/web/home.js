/* The public map of works: the paving queue as numbered dots; a click on a dig order shows its card. */
(function () {
  "use strict";
  var map = QalaMap.create("map");
  if (!map) return;
  var points = JSON.parse(document.getElementById("paving-points").textContent);
  var labels = JSON.parse(document.getElementById("labels").textContent);

  function row(parent, label, value) {
    var p = document.createElement("div");
    var b = document.createElement("b");
    b.textContent = label + ": ";
    p.appendChild(b);
    p.appendChild(document.createTextNode(value || "—"));
    parent.appendChild(p);
  }

  map.on("load", function () {
    map.addSource("queue", {type: "geojson", data: points});
    map.addLayer({id: "queue", type: "circle", source: "queue",
                  paint: {"circle-radius": 6, "circle-color": "#e65100", "circle-stroke-color": "#fff",
                          "circle-stroke-width": 1.5}});
    map.on("click", "dig_orders-fill", function (e) {
      var f = e.features && e.features[0];
      if (!f || f.id === undefined) return;
      fetch("/dig-orders/" + encodeURIComponent(f.id) + ".json").then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d) return;
          var box = document.createElement("div");
          box.className = "popup state-" + d.state;
          var h = document.createElement("strong");
          h.textContent = d.number;
          box.appendChild(h);
          row(box, labels.contractor, d.contractor);
          row(box, labels.restore_by, d.restore_by);
          if (d.purpose) row(box, labels.purpose, d.purpose);
          new maplibregl.Popup().setLngLat(e.lngLat).setDOMContent(box).addTo(map);
        });
    });
  });
})();
