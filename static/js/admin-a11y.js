/* Every admin page: accessible names where Django's admin and select2 leave none (axe).
   - select2 boxes and their search fields take the label of the select they stand for;
   - a tabular inline's fields take their column's heading;
   - the browser's time zone warning is said once, not under every date and time field.
   Re-applied when select2 or "Add another" changes the page. */
(function () {
  "use strict";

  function text(el) {
    return el ? el.textContent.replace(/[:：]\s*$/, "").replace(/\s+/g, " ").trim() : "";
  }

  function labelOf(field) {
    return field.id ? text(document.querySelector('label[for="' + field.id + '"]')) : "";
  }

  function name(el, value) {
    if (value && !el.getAttribute("aria-label")) {
      el.removeAttribute("aria-labelledby");
      el.setAttribute("aria-label", value);
    }
  }

  function nameSelect2() {
    var pickers = "select.admin-autocomplete, select.searchable-select";
    document.querySelectorAll(pickers).forEach(function (select) {
      var box = select.nextElementSibling;
      if (!box || !box.classList.contains("select2")) return;
      var label = labelOf(select) || columnOf(select);
      var parts = ".select2-selection, .select2-search__field, [role=textbox]";
      box.querySelectorAll(parts).forEach(function (el) {
        name(el, label);
      });
    });
  }

  function columnOf(field) {
    var cell = field.closest("td");
    var table = field.closest("table");
    if (!cell || !table) return "";
    var column = Array.prototype.find.call(cell.classList, function (c) {
      return c.indexOf("field-") === 0;
    });
    var heading = column && table.querySelector("thead th.column-" + column.slice(6));
    if (!heading && table.tHead && table.tHead.rows.length) {
      heading = table.tHead.rows[0].cells[cell.cellIndex]; // "Delete?" has no column class
    }
    return text(heading);
  }

  function nameInlineFields() {
    document.querySelectorAll(".tabular td input, .tabular td select, .tabular td textarea")
      .forEach(function (field) {
        if (field.type === "hidden" || labelOf(field)) return;
        name(field, columnOf(field));
      });
  }

  function apply() {
    nameSelect2();
    nameInlineFields();
  }

  // DateTimeShortcuts repeats "You are N hours behind server time" under every date and time
  // field (the forum's times are Beijing time): say it once, above the form.
  function oneTimezoneNote() {
    var warnings = document.querySelectorAll(".timezonewarning");
    if (!warnings.length) return;
    var note = document.createElement("p");
    note.className = "help timezone-note";
    note.textContent = warnings[0].textContent;
    warnings.forEach(function (warning) { warning.remove(); });
    var form = document.querySelector("#content-main form");
    if (form) form.insertBefore(note, form.firstChild);
  }

  window.addEventListener("load", function () {
    oneTimezoneNote();
    apply();
    new MutationObserver(apply).observe(document.body, { childList: true, subtree: true });
  });
})();
