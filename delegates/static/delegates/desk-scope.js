/* The desk's scope picker: a filter box over the grouped select. Without script the select and
   its "Switch desk" button work alone; the box stays hidden. No inline script or style (CSP). */
(function () {
  "use strict";
  var box = document.getElementById("desk-scope-filter-box");
  var filter = document.getElementById("desk-scope-filter");
  var select = document.getElementById("desk-scope-select");
  if (!box || !filter || !select) return;
  box.hidden = false;

  function fold(text) {
    return (text || "").toLocaleLowerCase().replace(/\s+/g, " ").trim();
  }

  filter.addEventListener("input", function () {
    var words = fold(filter.value).split(" ").filter(Boolean);
    var first = null;
    Array.prototype.forEach.call(select.children, function (child) {
      var group = child.tagName === "OPTGROUP" ? child : null;
      var options = group ? Array.prototype.slice.call(group.children) : [child];
      var shown = 0;
      options.forEach(function (option) {
        var text = fold((group ? group.label + " " : "") + option.textContent);
        var match = !option.value || words.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = !match;
        option.disabled = !match;  // browsers that ignore hidden options still skip them
        if (match) { shown += 1; if (option.value && !first) first = option; }
      });
      if (group) group.hidden = shown === 0;
    });
    var current = select.options[select.selectedIndex];
    // Typing picks the first match (the entrance stays one click away at the top).
    if (words.length && first && (!current || current.disabled || !current.value)) {
      select.value = first.value;
    } else if (!current || current.disabled) {
      select.value = "";
    }
  });
})();
