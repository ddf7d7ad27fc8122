/* Table behaviours without a library.
 * Sorting: click a <th data-sortable> to sort its table by that column, click again to reverse. Cells carry their raw value in data-sort (numbers as plain digits, so
 * "1,234,567" sorts as a number); empty values always go last. Text sorts in Chinese (pinyin) order.
 * Works on rows added later by a script too (the map's pair list), since it reads the table on click.
 * Empty rows: a checkbox <input data-hide-empty="TABLE_ID"> shows or hides the rows marked data-empty.
 */
(function () {
  "use strict";
  var collator = new Intl.Collator(["zh-Hans-CN", "en"], { numeric: true, sensitivity: "base" });

  function raw(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var value = cell.getAttribute("data-sort");
    return value === null ? cell.textContent.trim() : value;
  }

  function compare(a, b, numeric) {
    if (a === "" || b === "") { return a === b ? 0 : (a === "" ? 1 : -1); }
    if (numeric) {
      var x = parseFloat(a), y = parseFloat(b);
      if (!isNaN(x) && !isNaN(y)) { return x - y; }
    }
    return collator.compare(a, b);
  }

  function sortBy(th) {
    var table = th.closest("table");
    var tbody = table.tBodies[0];
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.getAttribute("data-type") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.filter.call(tbody.rows, function (r) { return !r.classList.contains("empty-row"); });
    var keyed = rows.map(function (row, i) { return { row: row, key: raw(row, index), i: i }; });
    keyed.sort(function (p, q) {
      var empty = (p.key === "") - (q.key === "");
      if (empty) { return empty; }  // empties last in both directions
      var c = compare(p.key, q.key, numeric);
      return (ascending ? c : -c) || p.i - q.i;
    });
    keyed.forEach(function (k) { tbody.appendChild(k.row); });
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  document.addEventListener("click", function (event) {
    var th = event.target.closest("th[data-sortable]");
    if (th) { sortBy(th); }
  });
  document.addEventListener("change", function (event) {
    var id = event.target.getAttribute && event.target.getAttribute("data-hide-empty");
    var table = id && document.getElementById(id);
    if (table) { table.classList.toggle("hide-empty", event.target.checked); }
  });
  document.addEventListener("keydown", function (event) {
    var th = event.target.closest && event.target.closest("th[data-sortable]");
    if (th && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); sortBy(th); }
  });
  Array.prototype.forEach.call(document.querySelectorAll("th[data-sortable]"), function (th) { th.tabIndex = 0; });
})();
