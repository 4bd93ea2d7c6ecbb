// Small page actions, bound here because the Content-Security-Policy forbids inline scripts.
// Pages work without them: the print button and copy buttons stay hidden until this runs.
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
  document.querySelectorAll(".js-copy").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var input = document.getElementById(button.dataset.target);
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = "コピーしました";
        setTimeout(function () { button.textContent = "コピー"; }, 2500);
      });
    });
  });
})();
