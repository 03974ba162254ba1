// Copy buttons: <button data-copy="#input-id" data-copied="Copied">. No inline script (CSP).
(function () {
  "use strict";
  function say(button, text) {
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    if (status) { status.textContent = text; }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) { return; }
    var done = function () { say(button, button.getAttribute("data-copied") || ""); };
    var fallback = function () {
      field.focus();
      field.select();
      try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selected */ }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, fallback);
    } else {
      fallback();
    }
  });
  document.querySelectorAll("[data-copy][hidden]").forEach(function (button) {
    button.hidden = false;  // without script the address is still there to select by hand
  });
})();
