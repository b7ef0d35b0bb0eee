/* The dashboard's numbers refresh from /dashboard.json every 30 s, without a reload. */
(function () {
  "use strict";
  function cell(tr, text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); }
  function table(id, rows, cols) {
    var tbody = document.querySelector("#" + id + " tbody");
    if (!tbody) return;
    tbody.replaceChildren();
    rows.forEach(function (r) {
      var tr = document.createElement("tr");
      cols.forEach(function (c) { cell(tr, r[c] === null || r[c] === undefined ? "—" : String(r[c])); });
      tbody.appendChild(tr);
    });
  }
  var SVG = "http://www.w3.org/2000/svg";
  function drawTrend(rows) {
    var svg = document.getElementById("trend");
    if (!svg) return;
    svg.replaceChildren();
    var max = Math.max.apply(null, rows.map(function (r) { return r.received; }).concat([1]));
    var w = 600 / Math.max(rows.length, 1);
    rows.forEach(function (r, i) {
      var h = 110 * r.received / max, rect = document.createElementNS(SVG, "rect"), t = document.createElementNS(SVG, "title");
      rect.setAttribute("x", String(i * w + 0.5)); rect.setAttribute("width", String(Math.max(w - 1, 0.5)));
      rect.setAttribute("y", String(115 - h)); rect.setAttribute("height", String(h));
      rect.setAttribute("fill", "#1f3b57");
      t.textContent = r.day + ": " + r.received;
      rect.appendChild(t);
      svg.appendChild(rect);
    });
  }
  drawTrend(JSON.parse(document.getElementById("trend-data").textContent));

  function refresh() {
    fetch("/dashboard.json" + window.location.search).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        ["received", "closed", "overdue"].forEach(function (k) { document.getElementById("total-" + k).textContent = s.totals[k]; });
        var cols = ["label", "received", "closed", "overdue", "median_days"];
        table("by-category", s.by_category, cols);
        table("by-district", s.by_district, cols);
        table("by-executor", s.by_executor, cols);
        drawTrend(s.trend);
        var tbody = document.querySelector("#overdue tbody");
        tbody.replaceChildren();
        s.overdue.forEach(function (a) {
          var tr = document.createElement("tr"), td = document.createElement("td"), link = document.createElement("a");
          link.href = "/appeal/" + encodeURIComponent(a.number) + "/";
          link.textContent = a.number;
          td.appendChild(link); tr.appendChild(td);
          cell(tr, a.title); cell(tr, a.executor || "—"); cell(tr, String(a.days_overdue));
          tbody.appendChild(tr);
        });
        document.getElementById("as-of").textContent = new Date(s.as_of).toLocaleTimeString();
        document.body.dataset.refreshed = String(Date.now());
      });
  }
  window.qalaDashboardRefresh = refresh;
  setInterval(refresh, 30000);
})();
