/*
 * Report job page: follow the job without reloading the page.
 * Only an enhancement: without JavaScript the page reloads itself (meta refresh) while the job waits.
 * With it, the meta refresh is removed and a small JSON endpoint is asked every two seconds.
 */
(function () {
  "use strict";

  var box = document.getElementById("report-job");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var PENDING = { queued: true, running: true };
  if (!PENDING[box.getAttribute("data-status")]) { return; }

  var refresh = document.querySelector('meta[http-equiv="refresh"]');
  if (refresh) { refresh.parentNode.removeChild(refresh); }

  function show(el, visible) { if (el) { el.classList.toggle("d-none", !visible); } }

  function update(data) {
    box.setAttribute("data-status", data.status);
    box.querySelector(".job-status").textContent = data.status_label;
    show(box.querySelector(".job-pending-note"), data.pending);
    var error = box.querySelector(".job-error");
    if (data.status === "failed") {
      box.querySelector(".job-error-text").textContent = data.error || "帳票を作成できませんでした。";
      if (!error.querySelector("form")) {
        // The retry button needs the CSRF form: reload once to get it.
        window.location.reload();
        return;
      }
    }
    if (data.status === "cancelled") { window.location.reload(); return; }
    show(box.querySelector(".job-cancel"), data.pending);
    show(error, data.status === "failed");
    var link = box.querySelector(".job-download-link");
    if (data.file_url) { link.setAttribute("href", data.file_url); }
    show(box.querySelector(".job-download"), Boolean(data.file_url));
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        update(data);
        if (data.pending) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
