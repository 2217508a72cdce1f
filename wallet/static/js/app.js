// Every page: the compact menu on narrow screens, and focus on a form's error summary.
// Loaded in <head> without defer so the "js" class is set before the page is drawn.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function setOpen(button, menu, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }

  function enhanceMenu() {
    var button = document.querySelector("[data-menu-button]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    button.hidden = false;
    setOpen(button, menu, false);
    button.addEventListener("click", function () {
      setOpen(button, menu, button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(button, menu, false);
        button.focus();
      }
    });
  }

  function focusErrorSummary() {
    // After a refused form the server renders the summary (role=alert) far down the page:
    // bring it into view and into focus so keyboard and screen-reader users start there.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  function start() {
    enhanceMenu();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
