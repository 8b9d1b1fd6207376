// "Find it on the screen": a click on a marked area of the picture picks the matching choice
// in the list below it, which works on its own with the keyboard and without JavaScript.
(function () {
  "use strict";
  if (window.__hotspotReady) return;
  window.__hotspotReady = true;
  function sync(svg) {
    svg.querySelectorAll(".hotspot-area").forEach(function (area) {
      var radio = document.getElementById(area.getAttribute("data-choice"));
      area.classList.toggle("selected", !!(radio && radio.checked));
    });
  }
  document.querySelectorAll("[data-hotspot]").forEach(function (box) {
    var svg = box.querySelector("svg");
    box.classList.add("hotspot-live");
    svg.querySelectorAll(".hotspot-area").forEach(function (area) {
      var radio = document.getElementById(area.getAttribute("data-choice"));
      if (!radio) return;
      area.addEventListener("click", function () {
        radio.checked = true;
        radio.dispatchEvent(new Event("change", { bubbles: true }));
        radio.focus({ preventScroll: true });
      });
      radio.addEventListener("change", function () { sync(svg); });
    });
    sync(svg);
  });
})();
