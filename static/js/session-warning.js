// Before a signed-in session ends for lack of activity, offer to extend it, so that what is being
// typed is not lost. The server renews the session on requests; this only counts down the page's
// own copy of the time left and asks the server to extend it on request.
(function () {
  var box = document.getElementById("session-warning");
  if (!box || !window.fetch) return;
  var warnBefore = parseInt(box.dataset.warnBefore, 10) * 1000;
  var timer = null;
  function schedule(endsInSeconds) {
    clearTimeout(timer);
    box.hidden = true;
    timer = setTimeout(function () { box.hidden = false; box.querySelector("button").focus(); },
      Math.max(endsInSeconds * 1000 - warnBefore, 0));
  }
  box.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json" },
      body: new FormData(form),
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { form.submit(); return null; }
      return response.json();
    }).then(function (data) { if (data) schedule(data.ends_in); })
      .catch(function () { form.submit(); });
  });
  schedule(parseInt(box.dataset.endsIn, 10));
})();
