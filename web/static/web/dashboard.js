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
  function refresh() {
    fetch("/dashboard.json" + window.location.search).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        ["received", "closed", "overdue"].forEach(function (k) { document.getElementById("total-" + k).textContent = s.totals[k]; });
        var cols = ["label", "received", "closed", "overdue", "median_days"];
        table("by-category", s.by_category, cols);
        table("by-district", s.by_district, cols);
        table("by-executor", s.by_executor, cols);
        document.getElementById("as-of").textContent = new Date(s.as_of).toLocaleTimeString();
        document.body.dataset.refreshed = String(Date.now());
      });
  }
  window.qalaDashboardRefresh = refresh;
  setInterval(refresh, 30000);
})();
