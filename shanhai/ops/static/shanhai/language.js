// The header's language select submits its form when changed (no inline onchange: CSP allows no inline script).
document.querySelectorAll("form select[name=language]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
