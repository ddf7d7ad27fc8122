// A background job's progress bar (ops/_job_progress.html): polls the job's status once a second while
// it is queued or running, then shows the result (or reloads the page that holds it). No inline script (CSP).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !box.dataset.active) return;
  var url = box.dataset.statusUrl;
  function text(cls, value) {
    var el = box.querySelector("." + cls);
    if (el) el.textContent = value || "";
  }
  function show(s) {
    text("job-state", s.status_label);
    text("job-text", s.text);
    text("job-message", s.message);
    var bar = box.querySelector(".job-bar");
    if (bar) {
      if (s.percent === null || s.stage) bar.removeAttribute("value");  // indeterminate: queued, or a stage without a count
      else bar.value = s.percent;
      bar.textContent = s.percent === null ? "" : s.percent + "%";
    }
    if (s.active) return true;
    box.removeAttribute("data-active");
    if (bar) bar.remove();
    if (s.status === "failed") {
      box.classList.add("job-failed");
      box.querySelector(".job-message").classList.add("error");
    }
    if (box.dataset.reload) { window.location.reload(); return false; }
    var link = box.querySelector(".job-link");
    if (link && s.url) { link.querySelector("a").href = s.url; link.hidden = false; }
    return false;
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (!s || show(s)) window.setTimeout(poll, 1000); })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
