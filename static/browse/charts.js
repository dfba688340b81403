/* Draws the browse pages' charts with Chart.js (from npm, see package.json).
   Each <canvas data-chart="ID"> reads its numbers from <script id="ID" type="application/json">;
   the same numbers are in the table beside it, which stays for screen readers (and is the
   whole view when JavaScript is off). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var config = JSON.parse(source.textContent);
    var figure = canvas.closest("figure");
    if (figure) { figure.classList.add("chart-drawn"); }
    new Chart(canvas, {
      type: config.type,
      data: {
        labels: config.labels,
        datasets: config.datasets.map(function (d) {
          return { label: d.label, data: d.data, backgroundColor: d.color, borderColor: d.color };
        })
      },
      options: {
        indexAxis: config.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: config.stacked, ticks: { precision: 0 } },
          y: { stacked: config.stacked, ticks: { precision: 0 } }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
  });
})();
