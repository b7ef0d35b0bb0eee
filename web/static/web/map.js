/* The one map of every page: our MapLibre copy, the style from /map/style.json (our tiles only). */
(function () {
  "use strict";
  function config() {
    var el = document.getElementById("map-config");
    return el ? JSON.parse(el.textContent) : {};
  }

  function layersOf(map, id) {
    return map.getStyle().layers.filter(function (l) {
      return l.metadata && l.metadata["qala:layer"] === id && !l.metadata["qala:3d"];
    });
  }

  function setVisible(map, id, on) {
    layersOf(map, id).forEach(function (l) {
      map.setLayoutProperty(l.id, "visibility", on ? "visible" : "none");
    });
  }

  function wire3d(map) {
    var box = document.getElementById("toggle-3d");
    if (!box) return;
    box.addEventListener("change", function () {
      if (!map.getLayer("buildings-3d")) return;
      map.setLayoutProperty("buildings-3d", "visibility", box.checked ? "visible" : "none");
      map.easeTo({pitch: box.checked ? 55 : 0, zoom: Math.max(map.getZoom(), box.checked ? 15 : 0)});
    });
  }

  function wireSwitcher(map) {
    document.querySelectorAll("input[data-switch]").forEach(function (box) {
      box.addEventListener("change", function () { setVisible(map, box.dataset.switch, box.checked); });
    });
  }

  function create(id) {
    var cfg = config();
    var node = document.getElementById(id);
    if (!window.maplibregl || !node) return null;
    var map;
    try {
      map = new maplibregl.Map({container: id, style: cfg.style, center: cfg.center, zoom: cfg.zoom,
                                maxBounds: cfg.bbox ? [[cfg.bbox[0] - 0.2, cfg.bbox[1] - 0.1],
                                                       [cfg.bbox[2] + 0.2, cfg.bbox[3] + 0.1]] : undefined,
                                attributionControl: false});
    } catch (err) {
      /* no WebGL: the rest of the page still works */
      node.classList.add("no-map");
      node.textContent = String(err && err.message || err);
      return null;
    }
    map.addControl(new maplibregl.NavigationControl(), "top-right");
    map.on("error", function (e) { if (window.console) console.warn("map:", e && e.error && e.error.message); });
    map.on("load", function () { node.dataset.loaded = "1"; wire3d(map); wireSwitcher(map); });
    window.qalaMap = map;
    return map;
  }

  window.QalaMap = {create: create, setVisible: setVisible, config: config};
})();
