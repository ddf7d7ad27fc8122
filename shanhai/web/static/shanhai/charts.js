/* Draws the charts of a page with ECharts (vendored, no CDN).
 * Each chart is a <div data-chart="SPEC_ID"> with a JSON spec written by the server
 * (shanhai/web/pages.py: bar_chart / line_chart): {type, horizontal, title, unit, categories,
 * series: [{name, data}], links, empty}. Values arrive exact; only the axis labels are shortened
 * (1.2万, 3亿 in Chinese; 12K, 300M in English) and the tooltip shows the full number with its unit.
 */
(function () {
  "use strict";
  var lang = (document.documentElement.lang || "zh-hans").toLowerCase();
  var locale = lang.indexOf("en") === 0 ? "en" : "zh-CN";
  var full = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  var compact = new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 2 });
  var FONT = getComputedStyle(document.body).fontFamily;

  function axisLabel(value) { return Math.abs(value) >= 10000 ? compact.format(value) : full.format(value); }

  function option(spec) {
    var horizontal = !!spec.horizontal;
    var categories = horizontal ? spec.categories.slice().reverse() : spec.categories;
    var series = spec.series.map(function (s) {
      var data = horizontal ? s.data.slice().reverse() : s.data;
      return {
        name: s.name, type: spec.type, data: data, smooth: false, symbolSize: 8,
        label: { show: spec.type === "bar" && categories.length <= 20, position: horizontal ? "right" : "top",
                 formatter: function (p) { return p.value == null ? "" : axisLabel(p.value); } },
        itemStyle: { color: "#1f6fb2" }, cursor: spec.links && spec.links.length ? "pointer" : "default"
      };
    });
    var valueAxis = { type: "value", name: spec.unit, nameTextStyle: { align: horizontal ? "center" : "left" },
                      axisLabel: { formatter: axisLabel } };
    var categoryAxis = { type: "category", data: categories,
                         axisLabel: { interval: 0, width: horizontal ? 150 : 80, overflow: "truncate" } };
    return {
      textStyle: { fontFamily: FONT },
      title: { text: spec.title, left: "center", textStyle: { fontSize: 14, fontFamily: FONT },
               subtext: categories.length ? "" : spec.empty, subtextStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                 valueFormatter: function (v) { return v == null ? "—" : full.format(v) + " " + spec.unit; } },
      grid: { left: 16, right: 48, top: 56, bottom: 16, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: series
    };
  }

  function draw(el) {
    var specEl = document.getElementById(el.getAttribute("data-chart"));
    if (!specEl || !window.echarts) { return; }
    var spec = JSON.parse(specEl.textContent);
    if (spec.horizontal) {  // one bar row per category: the chart grows with the ranking, not the bars
      el.style.height = Math.max(220, 90 + 28 * spec.categories.length) + "px";
    }
    var chart = echarts.init(el, null, { locale: locale === "en" ? "EN" : "ZH", renderer: "canvas" });
    chart.setOption(option(spec));
    var links = spec.horizontal ? (spec.links || []).slice().reverse() : (spec.links || []);
    chart.on("click", function (p) { if (links[p.dataIndex]) { window.location.href = links[p.dataIndex]; } });
    chart.on("finished", function () { el.setAttribute("data-drawn", "1"); });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
})();
