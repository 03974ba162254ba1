/* Every admin page: accessible names where Django's admin and select2 leave none (axe).
   - select2 boxes and their search fields take the label of the select they stand for;
   - a tabular inline's fields take their column's heading;
   - one note per form says times are the forum's time zone's, instead of Django's warning
     under every date and time field.
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
        if (field.type === "hidden") return;
        var own = labelOf(field);
        // A split date/time's "Date:" and "Time:" say which part, the column says of what.
        if (own && field.closest("p.datetime")) name(field, columnOf(field) + " " + own);
        else if (!own) name(field, columnOf(field));
      });
  }

  // An open select2 (4.0) drops its list at the end of the page: the search field there has no
  // name, the combobox names no list it controls, and the list uses tree roles for a listbox
  // (axe: label, aria-required-attr/-children/-parent, list).
  function openSelect2() {
    var box = document.querySelector("select + .select2-container--open");
    var select = box && box.previousElementSibling;
    if (!select || select.tagName !== "SELECT") return;
    var label = labelOf(select) || columnOf(select);
    var combobox = box.querySelector("[role=combobox]");
    if (combobox && combobox.getAttribute("aria-owns")) {
      combobox.setAttribute("aria-controls", combobox.getAttribute("aria-owns"));
    }
    document.querySelectorAll(".select2-dropdown .select2-search__field").forEach(function (el) {
      name(el, label);
    });
    document.querySelectorAll(".select2-dropdown .select2-results > .select2-results__options")
      .forEach(function (list) {
        if (list.getAttribute("role") !== "listbox") list.setAttribute("role", "listbox");
        if (label) name(list, label);
      });
    document.querySelectorAll(".select2-dropdown .select2-results__options--nested")
      .forEach(function (list) {
        if (list.getAttribute("role") !== "none") list.setAttribute("role", "none");
      });
    document.querySelectorAll(".select2-dropdown [role=treeitem]").forEach(function (item) {
      item.setAttribute("role", "option");
    });
  }

  function apply() {
    nameSelect2();
    nameInlineFields();
    openSelect2();
  }

  // DateTimeShortcuts writes "You are N hours behind server time" under every date and time
  // field, again under each row "Add another" adds. The forum's times are its own time zone's:
  // say so once per form instead (the words come from the page, in its language).
  if (window.DateTimeShortcuts) {
    window.DateTimeShortcuts.addTimezoneWarning = function () {};
  }

  function timezoneNote() {
    var meta = document.querySelector('meta[name="forum-time-zone-note"]');
    var server = document.body.dataset.adminUtcOffset;
    if (!meta || server === undefined) return;
    if (Number(server) === new Date().getTimezoneOffset() * -60) return; // same clock
    document.querySelectorAll("#content-main form").forEach(function (form) {
      if (form.querySelector(".timezone-note")) return;
      if (!form.querySelector("input.vDateField, input.vTimeField")) return;
      var note = document.createElement("p");
      note.className = "help timezone-note";
      note.textContent = meta.content;
      form.insertBefore(note, form.firstChild);
    });
  }

  window.addEventListener("load", function () {
    timezoneNote();
    apply();
    new MutationObserver(apply).observe(document.body, { childList: true, subtree: true });
  });
})();
