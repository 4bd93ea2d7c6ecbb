/*
 * 取組・検討内容 rows on the meeting form: "上へ"/"下へ" buttons and "行を追加".
 * Only an enhancement: without JavaScript the 順番 numbers, 削除 boxes and the empty rows do the same.
 * Moving a row rewrites the 順番 numbers top to bottom, so what the server receives is what is seen.
 */
(function () {
  "use strict";

  function renumber(tbody) {
    Array.prototype.forEach.call(tbody.querySelectorAll("tr.item-row"), function (row, i) {
      var order = row.querySelector("input.input-order");
      if (order) { order.value = String(i + 1); }
      Array.prototype.forEach.call(row.querySelectorAll("[data-row-label]"), function (el) {
        el.textContent = (i + 1) + "行目" + el.getAttribute("data-row-label");
      });
      // Each row's buttons say which row they move: 「2行目を上へ移動」, not the same name twice per row.
      Array.prototype.forEach.call(row.querySelectorAll("[data-move-label]"), function (el) {
        el.setAttribute("aria-label", (i + 1) + "行目" + el.getAttribute("data-move-label"));
      });
    });
  }

  function button(text, label) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-outline-secondary btn-sm";
    b.textContent = text;
    b.setAttribute("data-move-label", label);
    b.setAttribute("aria-label", label);
    return b;
  }

  function addMoveButtons(row, tbody) {
    var cell = row.querySelector("td");
    var box = document.createElement("div");
    box.className = "item-move mt-1";
    var up = button("↑", "を上へ移動");
    var down = button("↓", "を下へ移動");
    up.addEventListener("click", function () {
      var prev = row.previousElementSibling;
      if (prev) { tbody.insertBefore(row, prev); renumber(tbody); up.focus(); }
    });
    down.addEventListener("click", function () {
      var next = row.nextElementSibling;
      if (next) { tbody.insertBefore(next, row); renumber(tbody); down.focus(); }
    });
    box.appendChild(up);
    box.appendChild(down);
    cell.appendChild(box);
  }

  function setup(container) {
    var prefix = container.getAttribute("data-formset-prefix");
    var total = container.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var tbody = container.querySelector("tbody");
    if (!total || !tbody) { return; }
    var rows = tbody.querySelectorAll("tr.item-row");
    Array.prototype.forEach.call(rows, function (row) { addMoveButtons(row, tbody); });
    renumber(tbody);

    var add = button("＋ 行を追加", "取組・検討内容の行を追加");
    add.className = "btn btn-outline-primary btn-sm";
    add.removeAttribute("data-move-label");
    add.addEventListener("click", function () {
      var last = tbody.querySelector("tr.item-row:last-child");
      if (!last) { return; }
      var index = parseInt(total.value, 10);
      var row = last.cloneNode(true);
      var pattern = new RegExp(prefix + "-\\d+-", "g");
      Array.prototype.forEach.call(row.querySelectorAll("[name],[id],[for]"), function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(pattern, prefix + "-" + index + "-")); }
        });
      });
      Array.prototype.forEach.call(row.querySelectorAll("textarea, input"), function (el) {
        if (el.type === "checkbox") { el.checked = false; } else { el.value = ""; }
      });
      // A new row has nothing to delete (an empty row is simply not saved).
      var del = row.querySelector("td:last-child");
      if (del) { del.textContent = ""; }
      Array.prototype.forEach.call(row.querySelectorAll(".invalid-feedback, .item-move"), function (el) { el.remove(); });
      tbody.appendChild(row);
      addMoveButtons(row, tbody);
      total.value = String(index + 1);
      renumber(tbody);
      row.querySelector("textarea").focus();
    });
    var holder = document.createElement("p");
    holder.appendChild(add);
    container.appendChild(holder);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".item-rows[data-formset-prefix]"), setup);
  });
})();
