// My work, review and reconciliation pages: select all rows, count the selection, and ask for a comment
// before a return, an unlock or a dispute is sent (the server refuses them without one too).
(function () {
  "use strict";
  var selectAll = document.querySelector("[data-select-all]");
  var count = document.querySelector("[data-selected-count]");
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll("input[name=ids]")); }
  function update() {
    if (!count) return;
    var n = boxes().filter(function (b) { return b.checked; }).length;
    count.textContent = n ? ("已选 " + n + " 项 / " + n + " selected") : "";
  }
  if (selectAll) {
    selectAll.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = selectAll.checked; });
      update();
    });
  }
  boxes().forEach(function (b) { b.addEventListener("change", update); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-needs-comment]");
    if (!button || !button.form) return;
    var box = button.form.querySelector("textarea[name=comment]");
    if (box && !box.value.trim()) {
      event.preventDefault();
      box.classList.add("wf-missing");
      box.setAttribute("placeholder", "请写明理由 / please give a reason");
      box.focus();
    }
  });
  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("wf-missing")) {
      event.target.classList.remove("wf-missing");
    }
  });
})();
