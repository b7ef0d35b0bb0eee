/* The paving queue's map: a numbered dot per yard; a click in the table flies there. */
(function () {
  "use strict";
  var map = QalaMap.create("map");
  var points = JSON.parse(document.getElementById("paving-points").textContent);
  if (map) {
    map.on("load", function () {
      map.addSource("queue", {type: "geojson", data: points});
      map.addLayer({id: "queue", type: "circle", source: "queue",
                    paint: {"circle-radius": 6, "circle-color": "#e65100",
                            "circle-stroke-color": "#fff", "circle-stroke-width": 1.5}});
    });
  }
  document.querySelectorAll("#paving-queue a.fly").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var tr = a.closest("tr");
      if (map) map.flyTo({center: [parseFloat(tr.dataset.lon), parseFloat(tr.dataset.lat)], zoom: 16});
    });
  });
})();
