// Shows the Print button on pages that have one; without JavaScript the page says Ctrl+P.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
