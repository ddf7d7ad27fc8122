// Assessment pages: a reason is required before an adjustment, a decision or a reopening is sent,
// and irreversible steps ask first. The services check the same again; no inline script (CSP).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var needs = form.querySelectorAll("textarea[data-required]");
    var skip = button && (button.value === "recompute" || button.value === "finalise");
    for (var i = 0; i < needs.length && !skip; i++) {
      if (!needs[i].value.trim()) {
        event.preventDefault();
        needs[i].classList.add("wf-missing");
        needs[i].focus();
        return;
      }
    }
    var ask = button && button.getAttribute("data-confirm");
    if (ask && !window.confirm(ask)) {
      event.preventDefault();
    }
  });
})();
