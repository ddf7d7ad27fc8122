/* The data-entry grid, Excel-like: thousands separators shown, plain digits while typing; Enter and ↑/↓
   move down and up a column; a column pasted from Excel fills the cells below; changed rows are marked and
   leaving the page with unsaved changes asks first; buttons with data-confirm ask before sending.
   A static file: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var grid = document.querySelector("form[data-grid]");

  function plain(text) { return String(text || "").replace(/[,，\s]/g, ""); }
  function grouped(text) {
    var s = plain(text);
    if (!/^-?\d+(\.\d+)?$/.test(s)) return text;  // not a number: leave as typed, the server explains
    var parts = s.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.join(".");
  }

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var ask = button && button.getAttribute("data-confirm");
    if (ask && !window.confirm(ask)) { event.preventDefault(); return; }
    if (event.target === grid) dirty = false;
  });

  if (!grid) return;
  var inputs = Array.prototype.slice.call(grid.querySelectorAll("input[data-num]"));
  var note = grid.querySelector("[data-dirty]");
  var dirty = false;

  function mark(input) {
    var row = input.closest("tr");
    var changed = plain(input.value) !== plain(input.getAttribute("data-original"));
    if (row) row.classList.toggle("wf-changed", changed);
    dirty = inputs.some(function (i) { return plain(i.value) !== plain(i.getAttribute("data-original")); });
    if (note) note.hidden = !dirty;
  }

  function move(input, step) {
    var next = inputs[inputs.indexOf(input) + step];
    if (next) { next.focus(); next.select(); }
  }

  inputs.forEach(function (input) {
    input.addEventListener("focus", function () { input.value = plain(input.value); input.select(); });
    input.addEventListener("blur", function () { input.value = grouped(input.value); mark(input); });
    input.addEventListener("input", function () { mark(input); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === "ArrowDown") { e.preventDefault(); move(input, e.shiftKey ? -1 : 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(input, -1); }
    });
    input.addEventListener("paste", function (e) {
      var text = (e.clipboardData || window.clipboardData).getData("text");
      var lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
      if (lines.length < 2) return;
      e.preventDefault();
      var start = inputs.indexOf(input);
      lines.forEach(function (line, k) {
        var target = inputs[start + k];
        if (!target) return;
        target.value = grouped(line.split("\t")[0].trim());
        mark(target);
      });
    });
  });

  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });
})();
