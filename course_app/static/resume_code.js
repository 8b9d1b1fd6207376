// The QR code on a resume-code page opens /resume#CODE: the part after "#" never reaches the
// server, so the code stays out of access logs. This fills the form with it and takes it out
// of the address bar and history. Without JavaScript the patron types the code.
(function () {
  "use strict";
  var code = decodeURIComponent(window.location.hash.replace(/^#/, "")).trim();
  if (!/^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/.test(code)) {
    return;
  }
  var field = document.getElementById("code");
  if (field && !field.value) {
    field.value = code.toUpperCase();
  }
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
})();
