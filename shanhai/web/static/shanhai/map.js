/* The pairing map: a China (or one province's) outline from the vendored map files, every visible
 * county-level-or-higher pairing as a line from its east side to its west side (drawn at the region
 * table's coordinates), and the regions coloured by the chosen indicator.
 * Click a line → the pairing page; a point → that region's page; a province (China map) → the
 * province map; a prefecture (province map) → its region page.
 * Config comes from <script id="map-config"> (shanhai/web/pages.py: map_page); data from its dataUrl
 * (the JSON view web:map_data), which also fills the pair list below the map.
 * On a province map a line whose other end lies outside the province is dashed, drawn to the edge of
 * the province (cfg.bounds) and labelled with where it comes from ("来自省外：广东省广州市南沙区").
 */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var cfgEl = document.getElementById("map-config");
  if (!el || !cfgEl || !window.echarts) { return; }
  var cfg = JSON.parse(cfgEl.textContent);
  var status = document.getElementById("map-status");
  var lang = (document.documentElement.lang || "zh-hans").toLowerCase();
  var locale = lang.indexOf("en") === 0 ? "en" : "zh-CN";
  var full = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  var FONT = getComputedStyle(document.body).fontFamily;
  var EAST = "#d9534f", WEST = "#2b8a3e";
  var COLON = locale === "en" ? ": " : "：";  // no full-width punctuation in English

  function shade(value, max) {
    // Light to dark blue by share of the largest value; regions without a value stay neutral.
    if (!value || !max) { return "#eef3f8"; }
    var t = Math.sqrt(value / max);
    var from = [219, 234, 254], to = [30, 90, 160];
    var c = from.map(function (f, i) { return Math.round(f + (to[i] - f) * t); });
    return "rgb(" + c.join(",") + ")";
  }

  function edgePoint(inside, outside, b) {
    // Where the segment from a point in the province towards one outside it leaves the province's
    // bounds [west, south, east, north]: the outside end is drawn there, inside the visible map.
    var t = 1;
    [[0, b[0]], [0, b[2]], [1, b[1]], [1, b[3]]].forEach(function (edge) {
      var i = edge[0], d = outside[i] - inside[i];
      if (d === 0) { return; }
      var u = (edge[1] - inside[i]) / d;
      if (u > 0 && u < t) { t = u; }
    });
    return [inside[0] + (outside[0] - inside[0]) * t, inside[1] + (outside[1] - inside[1]) * t];
  }

  function coords(l) {
    var east = [l.east.lng, l.east.lat], west = [l.west.lng, l.west.lat];
    if (l.outside && cfg.bounds) {
      if (l.outside === "east") { east = edgePoint(west, east, cfg.bounds); }
      else { west = edgePoint(east, west, cfg.bounds); }
    }
    return [east, west];
  }

  function outsideEnds(lines) {
    // One labelled point per region outside the province a line comes from (or goes to).
    var seen = {}, points = [];
    lines.forEach(function (l) {
      if (!l.outside) { return; }
      var p = l[l.outside], at = coords(l)[l.outside === "east" ? 0 : 1];
      if (seen[p.code]) { return; }
      seen[p.code] = true;
      var text = (l.outside === "east" ? cfg.labels.from : cfg.labels.to).replace("%(name)s", l.outside_name);
      points.push({ name: text, value: at, url: p.url, code: p.code, side: l.outside });
    });
    return points;
  }

  function endpoints(lines, side) {
    var seen = {}, points = [];
    lines.forEach(function (l) {
      var p = l[side];
      if (l.outside === side) { return; }  // drawn at the edge with a label (outsideEnds)
      if (seen[p.code]) { return; }
      seen[p.code] = true;
      points.push({ name: p.name, value: [p.lng, p.lat], url: p.url, code: p.code });
    });
    return points;
  }

  function fillTable(lines) {
    var tbody = document.querySelector("#table-pairs tbody");
    if (!tbody) { return; }
    tbody.textContent = "";
    lines.forEach(function (l) {
      var tr = document.createElement("tr");
      [l.kind_label, l.east.name, l.west.name].forEach(function (text) {
        var td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      });
      var td = document.createElement("td"), a = document.createElement("a");
      a.href = l.url;
      a.textContent = l.label;
      td.appendChild(a);
      tr.appendChild(td);
      tbody.appendChild(tr);
    });
    if (!lines.length) {
      var empty = document.createElement("tr");
      empty.className = "empty-row";
      empty.innerHTML = '<td class="empty" colspan="4"></td>';
      empty.firstChild.textContent = cfg.labels.noData;
      tbody.appendChild(empty);
    }
  }

  function legend(max) {
    // What the shading means: the indicator, its unit, and the scale from no value to the largest one.
    var box = document.getElementById("map-legend");
    if (!box) {
      box = document.createElement("div");
      box.id = "map-legend";
      box.className = "note map-legend";
      el.parentNode.insertBefore(box, el.nextSibling);
    }
    box.textContent = "";
    var text = document.createElement("span");
    text.textContent = (cfg.labels.legend || "") + COLON;
    box.appendChild(text);
    [0, 0.25, 0.5, 0.75, 1].forEach(function (t) {
      var sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.cssText = "display:inline-block;width:1.4em;height:.8em;margin:0 1px;vertical-align:middle;" +
        "border:1px solid #9fb3c8;background:" + shade(t * max, max);
      sw.title = t ? full.format(Math.round(t * max)) : cfg.labels.none;
      box.appendChild(sw);
    });
    var range = document.createElement("span");
    range.setAttribute("data-max", String(max));
    range.textContent = " " + cfg.labels.none + " → " + full.format(max) + (cfg.unit ? " " + cfg.unit : "");
    box.appendChild(range);
  }

  function draw(data) {
    var chart = echarts.init(el, null, { locale: locale === "en" ? "EN" : "ZH" });
    var names = cfg.provinceNames || {};
    var max = 0;
    data.regions.forEach(function (r) { if (r.value > max) { max = r.value; } });
    var isChina = cfg.mapName === "china";
    var regionStyles = isChina ? data.regions.map(function (r) {
      return { name: names[r.code] || r.name, itemStyle: { areaColor: shade(r.value, max) } };
    }) : [];
    var valueByCode = {}, valueByName = {};
    data.regions.forEach(function (r) {
      valueByCode[r.code] = r.value;
      valueByName[isChina ? (names[r.code] || r.name) : r.name] = r.value;
    });
    var lines = data.lines.map(function (l) {
      var line = { name: l.label, url: l.url, id: l.id, coords: coords(l), outside: l.outside || "" };
      if (l.outside) { line.lineStyle = { type: "dashed" }; }
      return line;
    });
    var outside = isChina ? [] : outsideEnds(data.lines);
    var west = endpoints(data.lines, "west");
    if (!isChina) {  // counties of the province with a value but no line still show as points
      var have = {};
      west.forEach(function (p) { have[p.code] = true; });
      data.regions.forEach(function (r) {
        if (!have[r.code] && r.lng != null) { west.push({ name: r.name, value: [r.lng, r.lat], url: r.url, code: r.code }); }
      });
    }
    chart.setOption({
      textStyle: { fontFamily: FONT },
      title: { text: cfg.title, left: "center", top: 8, textStyle: { fontSize: 16, fontFamily: FONT },
               subtext: data.lines.length ? "" : cfg.labels.noData },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          if (p.seriesType === "lines") { return p.name + "<br>" + cfg.labels.open; }
          if (p.seriesType === "scatter" && p.seriesIndex === 3) { return p.name; }
          if (p.seriesType === "scatter") {
            var v = valueByCode[p.data.code];
            return p.seriesName + COLON + p.name + (v != null ? "<br>" + cfg.labels.value + COLON + full.format(v) : "");
          }
          if (p.componentType === "geo") {  // a province (or a prefecture): its value, or that it has none
            var g = valueByName[p.name];
            return p.name + "<br>" + (cfg.indicator || cfg.labels.value) + COLON +
              (g != null ? full.format(g) + (cfg.unit ? " " + cfg.unit : "") : cfg.labels.none);
          }
          return p.name;
        }
      },
      legend: { bottom: 4, left: "center", textStyle: { fontFamily: FONT },
                data: [cfg.labels.lines, cfg.labels.east, cfg.labels.west].concat(outside.length ? [cfg.labels.outside] : []) },
      geo: {
        map: cfg.mapName, roam: true, top: 56, bottom: 36, tooltip: { show: true },
        label: { show: !isChina, fontSize: 10, color: "#5f6b7a" },
        itemStyle: { areaColor: "#eef3f8", borderColor: "#9fb3c8" },
        emphasis: { itemStyle: { areaColor: "#cfe3f7" }, label: { show: true } },
        regions: regionStyles
      },
      series: [
        { type: "lines", name: cfg.labels.lines, coordinateSystem: "geo", zlevel: 1, data: lines,
          symbol: ["none", "arrow"], symbolSize: 7, silent: false,
          lineStyle: { color: EAST, width: 1.4, opacity: 0.7, curveness: 0.22 },
          emphasis: { lineStyle: { width: 3, opacity: 1 } } },
        { type: "scatter", name: cfg.labels.east, coordinateSystem: "geo", zlevel: 2, data: endpoints(data.lines, "east"),
          symbolSize: 7, itemStyle: { color: EAST } },
        { type: "scatter", name: cfg.labels.west, coordinateSystem: "geo", zlevel: 2, data: west,
          symbolSize: 7, itemStyle: { color: WEST } },
        { type: "scatter", name: cfg.labels.outside || "", coordinateSystem: "geo", zlevel: 3, data: outside,
          symbol: "diamond", symbolSize: 9, itemStyle: { color: "#7a4fb5" },
          label: { show: true, position: "right", formatter: "{b}", fontSize: 11, color: "#3d2a5c",
                   backgroundColor: "rgba(255,255,255,.85)", padding: [1, 3], fontFamily: FONT },
          labelLayout: { hideOverlap: true } }
      ]
    });
    chart.on("click", function (p) {
      var url = null;
      if (p.componentType === "series" && p.data && p.data.url) { url = p.data.url; }
      else if (p.componentType === "geo") { url = (isChina ? cfg.provinceUrls : cfg.regionUrls || {})[p.name]; }
      if (url) { window.location.href = url; }
    });
    chart.on("finished", function () { el.setAttribute("data-drawn", "1"); });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-lines", String(lines.length));
    fillTable(data.lines);
    legend(max);
    if (status) { status.textContent = cfg.labels.count.replace("%(n)s", String(lines.length)); }
  }

  fetch(cfg.dataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
    .then(function (res) {
      if (!res.ok) { throw new Error(res.body.error || cfg.labels.failed); }
      draw(res.body);
    })
    .catch(function (err) {
      if (status) { status.textContent = err.message || cfg.labels.failed; status.className = "error"; }
      el.setAttribute("data-error", "1");
    });
})();
