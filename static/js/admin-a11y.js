/* Accessibility fixes for widgets the admin builds in the browser (JIS X 8341-3 / WCAG 4.1.2).
 *
 * - Select2 (autocomplete boxes) names its combobox by the chosen value only, which is empty
 *   before a choice: the box is named by the field's label (or the field's aria-label, which
 *   tabular inlines set to 「2行目の人物」), followed by the chosen value; the inner "textbox"
 *   that shows the value (and has no name) becomes plain text.
 * - filter_horizontal's search icon is a <span> with an aria-label, which a span may not carry:
 *   it becomes an image with that name.
 *
 * Widgets appear after page load too (a new inline row), so a MutationObserver repeats the work.
 */
(function () {
  "use strict";

  function labelFor(select) {
    if (select.getAttribute("aria-label")) return select.getAttribute("aria-label");
    if (select.id) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      if (label) return label.textContent.replace(/[:：]\s*$/, "").trim();
    }
    return "";
  }

  function nameComboboxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) return;
      var box = container.querySelector('[role="combobox"]');
      var name = labelFor(select);
      if (!box || !name) return;
      if (!select.id) return;
      var labelId = select.id + "-a11y-name";
      var holder = document.getElementById(labelId);
      if (!holder) {
        holder = document.createElement("span");
        holder.id = labelId;
        holder.hidden = true;
        container.appendChild(holder);
      }
      holder.textContent = name;
      // The chosen value's box says "textbox" without a name of its own; the combobox around it
      // already reads the value out, so the inner box is just text.
      var rendered = container.querySelector(".select2-selection__rendered[role]");
      if (rendered) {
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
      }
      var labelledBy = box.getAttribute("aria-labelledby") || "";
      if (labelledBy.indexOf(labelId) === -1) {
        box.setAttribute("aria-labelledby", (labelId + " " + labelledBy).trim());
      }
    });
  }

  function fixIcons(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function fixAll() {
    nameComboboxes(document);
    fixIcons(document);
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.setTimeout(function () {
      pending = false;
      fixAll();
    }, 0);
  }

  window.addEventListener("load", function () {
    fixAll();
    new MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        if (records[i].addedNodes.length) {
          schedule();
          return;
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
