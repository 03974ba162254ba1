/* Check-in desk: camera scanning where the browser allows it. The form works without this. */
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  var field = form && form.querySelector("input[name=token]");
  var start = document.getElementById("camera-start");
  var stop = document.getElementById("camera-stop");
  var note = document.getElementById("camera-unavailable");
  var lib = window.__Html5QrcodeLibrary__ || window;
  if (!form || !field) return;

  // Keep the field ready for the next USB scan.
  field.focus();

  var canUseCamera =
    lib.Html5Qrcode && window.isSecureContext && navigator.mediaDevices &&
    typeof navigator.mediaDevices.getUserMedia === "function";
  if (!canUseCamera || !start) return;
  note.hidden = true;
  start.hidden = false;

  var scanner = null;
  var submitted = false;

  function onDecoded(text) {
    if (submitted) return;
    submitted = true;
    field.value = text;
    scanner.stop().catch(function () {}).then(function () {
      sessionStorage.setItem("desk-camera", "on");
      form.submit();
    });
  }

  function startCamera() {
    scanner = scanner || new lib.Html5Qrcode("camera-view");
    scanner
      .start({ facingMode: "environment" }, { fps: 10, qrbox: 240 }, onDecoded, function () {})
      .then(function () {
        start.hidden = true;
        stop.hidden = false;
      })
      .catch(function () {
        start.hidden = true;
        note.hidden = false;
        sessionStorage.removeItem("desk-camera");
      });
  }

  start.addEventListener("click", startCamera);
  stop.addEventListener("click", function () {
    sessionStorage.removeItem("desk-camera");
    if (scanner) scanner.stop().catch(function () {});
    stop.hidden = true;
    start.hidden = false;
  });
  // After a camera scan the page reloads with the result: carry on scanning.
  if (sessionStorage.getItem("desk-camera") === "on") startCamera();
})();
