/*
 * Report request form: say that the document is being made while the request runs.
 * Without a worker (the embedded default) the PDF is made during the request itself, which takes
 * a few seconds; without this the page seems to do nothing. Only an enhancement: the form works
 * the same without JavaScript.
 */
(function () {
  "use strict";

  var form = document.getElementById("report-request-form");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    var note = document.getElementById("report-request-progress");
    // Disabled after the submit has started: the browser has already read the form.
    window.setTimeout(function () { if (button) { button.disabled = true; } }, 0);
    if (note) { note.classList.remove("d-none"); }
  });
}());
