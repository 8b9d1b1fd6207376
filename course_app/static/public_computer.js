/* Public-computer mode: warn before the server's idle sign-out and let the patron extend it.
   The server ends an idle visit by itself (course_app/public_computer/idle.py); this script
   only shows the warning, pings the server for "I'm still here", and leaves when time is up. */
(function () {
  "use strict";
  var dialog = document.getElementById("idle-warning");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) {
    return;
  }
  var idleMs = Number(dialog.dataset.idleSeconds) * 1000;
  var warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  var signedOutUrl = dialog.dataset.signedOutUrl;
  var stillHere = document.getElementById("idle-still-here");
  var timedOut = document.getElementById("idle-timed-out");
  var warnTimer = null;
  var endTimer = null;

  function start() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(warn, Math.max(idleMs - warningMs, 0));
    endTimer = window.setTimeout(function () { timedOut.submit(); }, idleMs);
  }

  function warn() {
    if (!dialog.open) {
      dialog.showModal();
    }
    stillHere.querySelector("button").focus();
  }

  function extend() {
    window.fetch(stillHere.action, {
      method: "POST",
      body: new FormData(stillHere),
      credentials: "same-origin",
      redirect: "manual"
    }).then(function (response) {
      if (response.status === 204) {
        dialog.close();
        start();
      } else {
        // The server already ended the visit (or this page is out of date).
        window.location.assign(signedOutUrl);
      }
    }).catch(function () {
      // No network: the warning stays up; the timer still ends the visit.
    });
  }

  stillHere.addEventListener("submit", function (event) {
    event.preventDefault();
    extend();
  });
  // Escape is someone at the keyboard: treat it as "I'm still here", not as a silent close.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    extend();
  });
  start();
}());
