// Only an enhancement: the form works fully without it. Shows the reasons after a low score and
// stops a second tap on the submit button while the first is on its way.
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) return;
  var reasons = document.getElementById("sv-reasons");
  var button = form.querySelector("button[type=submit]");
  var label = button ? button.textContent : "";

  function update() {
    if (!reasons) return;
    var low = form.querySelector("input[type=radio][data-low]:checked") !== null;
    reasons.hidden = !(low || reasons.querySelector("input:checked") !== null);
  }

  form.addEventListener("change", update);
  update();

  form.addEventListener("submit", function () {
    if (!button) return;
    // After the browser has taken the submission, so the button's own value is not lost.
    window.setTimeout(function () {
      button.disabled = true;
      button.textContent = form.getAttribute("data-sending");
    }, 0);
  });

  // Back from the thank-you page (page cache): let the citizen use the button again.
  window.addEventListener("pageshow", function () {
    if (!button) return;
    button.disabled = false;
    button.textContent = label;
  });
})();
