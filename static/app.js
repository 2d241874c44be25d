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

/* 公文 forms: a suggested fix the drafter accepts (data-fill), and a file over the upload limit
   refused before it is sent (data-max-bytes; the server checks again). */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-fill]") : null;
    if (!button) { return; }
    var input = document.getElementById(button.getAttribute("data-fill"));
    if (!input) { return; }
    input.value = button.getAttribute("data-value");
    input.focus();
    announce("已改为 " + input.value);
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.hasAttribute("data-max-bytes")) { return; }
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var old = input.parentElement.parentElement.querySelector(".field-error.size-check");
    if (old) { old.parentElement.removeChild(old); }
    var file = input.files && input.files[0];
    if (file && limit && file.size > limit) {
      var message = document.createElement("div");
      message.className = "field-error size-check";
      message.textContent = input.getAttribute("data-too-large");
      input.parentElement.insertAdjacentElement("afterend", message);
      input.value = "";
      announce(message.textContent);
    }
  });
})();
