/* Pairing: spend the one-time code from the URL (or typed by staff) through the API, keep the
 * device token on the tablet and open the kiosk. */
(function () {
  "use strict";

  var body = document.body;
  var STR = JSON.parse(document.getElementById("kiosk-strings").textContent);
  var lang = document.documentElement.lang === "en" ? "en" : "vi";
  var form = document.getElementById("pair-form");
  var input = document.getElementById("code");
  var status = document.getElementById("pair-status");
  var busy = false;

  function t(key) { return STR[lang][key] || STR.vi[key]; }

  function say(key) {
    status.textContent = t(key);
  }

  function pair(code) {
    if (busy || !code) return;
    busy = true;
    say("pairing");
    fetch(body.dataset.api, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code: code }),
      credentials: "omit",
      cache: "no-store"
    }).then(function (res) {
      if (res.ok) {
        return res.json().then(function (data) {
          localStorage.setItem("kiosk.token", data.token);
          localStorage.setItem("kiosk.point", JSON.stringify(data.point));
          // The stored survey belonged to the old pairing; the kiosk fetches its own.
          localStorage.removeItem("kiosk.survey");
          location.replace(body.dataset.kiosk);
        });
      }
      busy = false;
      say(res.status === 429 ? "pair_throttled" : "pair_bad");
    }).catch(function () {
      busy = false;
      say("pair_offline");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    pair(input.value.trim());
  });

  var code = new URLSearchParams(location.search).get("code");
  if (code) {
    input.value = code;
    // The one-time code should not linger in the address bar or the history.
    history.replaceState(null, "", location.pathname);
    pair(code);
  } else {
    input.focus();
  }
})();
