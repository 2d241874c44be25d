/* reviewtool: after an htmx swap, focus goes to the first error of the swapped region (or to the
   region itself) and its result is read out through the page's one polite live region.
   No inline script anywhere: this file and htmx are all the JavaScript (CSP script-src 'self'). */
(function () {
  "use strict";
  var MESSAGE = ".error-box, .flash";

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region || !text) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text.replace(/\s+/g, " ").trim(); }, 50);
  }

  function focusIn(region) {
    var target = region.querySelector(".error-box, .field-error") || region;
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus({ preventScroll: false });
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var region = event.detail.elt;
    if (!region || !region.isConnected || region === document.body) { return; }
    var message = region.querySelector(MESSAGE);
    if (message) { announce(message.textContent); }
    focusIn(region);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var error = document.querySelector("main .error-box");
    if (error) { focusIn(error.parentElement || error); announce(error.textContent); }
  });
})();
