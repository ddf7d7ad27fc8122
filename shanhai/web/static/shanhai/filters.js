// The period filters: a quarter and a month exclude each other, so choosing one clears the other.
(function () {
  document.querySelectorAll("form.filters").forEach(function (form) {
    var quarter = form.querySelector("select[name=quarter]");
    var month = form.querySelector("select[name=month]");
    if (!quarter || !month) return;
    quarter.addEventListener("change", function () { if (quarter.value) month.value = ""; });
    month.addEventListener("change", function () { if (month.value) quarter.value = ""; });
  });
})();
