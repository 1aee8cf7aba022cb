/* Kiosk tablet: one-tap rating, follow-ups, idle reset, an offline queue with exactly-once sync.
 *
 * How a tap is never lost and never counted twice:
 * - The first tap creates one answer with a fresh UUID and answered_at, and writes it to
 *   IndexedDB at once, marked "open". Follow-up steps update that same record while it is open.
 * - An open answer is never sent. When the citizen finishes, or the screen resets after idle time,
 *   or the page starts again after a reload or crash, the answer is marked "ready" and from then
 *   on its body never changes. Free text is cleaned before it enters the body (control characters
 *   and lone surrogates a database cannot store), so the server never has a reason to refuse it.
 * - Only ready answers are sent, one by one, under their UUID. The server stores a UUID once and
 *   answers a repeat of the same body with 200, so a retry after a lost reply counts nothing twice;
 *   the answer leaves IndexedDB only after the server said 200/201. Because a sent body never
 *   changes, the server's 409 (same id, other body) cannot happen in normal operation.
 * Sending one response per visit (instead of the first tap at once and a second one later) is what
 * keeps the overall score counted once while the follow-up answers stay attached to it.
 *
 * How no answer can hold the others back:
 * - Each answer carries its own retry clock (attempts, next_at in its IndexedDB record). A 5xx
 *   delays only that answer, with an exponential back-off capped at sync_seconds; the answers
 *   behind it go out in the same pass. A pass sends answers never refused first, so retries can
 *   never stand in front of them.
 * - When the request gets no answer at all (offline, a dropped link, a timeout), every answer would
 *   fail alike: the pass stops and the whole queue waits (the link back-off), the answer also gets
 *   its own clock so a body some middlebox always drops goes behind the others next time. Three
 *   different answers refused with 5xx in a row mean the server is down, not the answers: the pass
 *   stops the same way, so a recovering server is not flooded by the whole queue.
 * - A 429 pauses the whole queue for its Retry-After. A 401 for the current pairing shows
 *   "revoked" and keeps the queue.
 * - Any other 4xx (and a 401 for an answer of an old pairing) is a refusal for good: the answer
 *   moves to the "rejected" store with the status and the server's error code and fields (never
 *   silently dropped), and the heartbeat reports how many the tablet holds and the latest reason
 *   at once, for the admin's device page. Only 408, a proxy's "send it again", is retried.
 */
(function () {
  "use strict";

  var body = document.body;
  var STR = JSON.parse(document.getElementById("kiosk-strings").textContent);
  var VERSION = body.dataset.version || "k-dev";
  var API = "/api/v1/kiosk/";
  var KEY = { token: "kiosk.token", point: "kiosk.point", survey: "kiosk.survey", skew: "kiosk.skew" };
  var params = new URLSearchParams(location.search);
  var defaultLang = params.get("lang") || document.documentElement.lang;
  if (defaultLang !== "en") defaultLang = "vi";
  var lang = defaultLang;

  var settings = {
    idle_seconds: +body.dataset.idle || 30,
    thanks_seconds: +body.dataset.thanks || 5,
    low_score: +body.dataset.low || 2,
    heartbeat_seconds: +body.dataset.heartbeat || 60,
    sync_seconds: Math.min(+body.dataset.sync || 30, 30)
  };

  var token = localStorage.getItem(KEY.token);
  var point = readJson(KEY.point);
  var survey = null;
  var pendingSurvey = null;
  var revoked = false;
  var screen = "message";
  var current = null; // the open answer: {id, state, point, token, created, body}
  var plan = [];
  var stepIndex = -1;
  var idleTimer = null;
  var thanksTimer = null;
  var swUpdated = false;
  var largeText = false; // the citizen's own, never the next one's: startOver turns it off

  function $(id) { return document.getElementById(id); }
  function t(key) { return (STR[lang] && STR[lang][key]) || STR.vi[key] || ""; }
  function readJson(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function field(obj, name) { return lang === "en" ? obj[name + "_en"] || obj[name] : obj[name]; }

  // crypto.randomUUID needs a secure context; a tablet on a plain-HTTP LAN still gets v4 UUIDs.
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // A tablet whose clock is far off would have its answers flagged "clock"; the server's time
  // from the last contact corrects it. Small differences (network latency) are ignored.
  function nowIso() {
    var skew = +localStorage.getItem(KEY.skew) || 0;
    return new Date(Date.now() + skew).toISOString();
  }
  function learnClock(serverTime) {
    var server = Date.parse(serverTime);
    if (isNaN(server)) return;
    var skew = server - Date.now();
    localStorage.setItem(KEY.skew, String(Math.abs(skew) > 60000 ? skew : 0));
  }

  /* ---------- IndexedDB queue ---------- */
  var dbPromise = null;
  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open("kiosk", 1);
        req.onupgradeneeded = function () {
          var db = req.result;
          db.createObjectStore("queue", { keyPath: "id" });
          db.createObjectStore("rejected", { keyPath: "id" });
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function store(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var result;
        work(tx.objectStore(name), function (value) { result = value; });
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function putItem(item) {
    var copy = JSON.parse(JSON.stringify(item));
    return store("queue", "readwrite", function (s) { s.put(copy); });
  }
  function allItems() {
    return store("queue", "readonly", function (s, done) {
      var req = s.getAll();
      req.onsuccess = function () { done(req.result || []); };
    });
  }
  function deleteItem(id) {
    return store("queue", "readwrite", function (s) { s.delete(id); });
  }
  // Only this pass's retry bookkeeping changes; the record is read again so nothing else is undone.
  function updateItem(id, change) {
    return store("queue", "readwrite", function (s) {
      var req = s.get(id);
      req.onsuccess = function () {
        if (req.result) { change(req.result); s.put(req.result); }
      };
    });
  }
  function rejectItem(item, refusal) {
    // Kept aside, not silently dropped: the server refused this body and a retry cannot help.
    var copy = JSON.parse(JSON.stringify(item));
    copy.status = refusal.status;
    copy.error = { code: refusal.code, message: refusal.message, fields: refusal.fields };
    copy.detail = refusal.text;
    copy.reason = refusal.reason;
    copy.rejected_at = Date.now();
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(["queue", "rejected"], "readwrite");
        tx.objectStore("rejected").put(copy);
        tx.objectStore("queue").delete(item.id);
        tx.oncomplete = resolve;
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function rejectedItems() {
    return store("rejected", "readonly", function (s, done) {
      var req = s.getAll();
      req.onsuccess = function () { done(req.result || []); };
    });
  }
  function saveCurrent() {
    if (!current) return Promise.resolve();
    return putItem(current).catch(function (e) { console.error("kiosk: could not save the answer", e); });
  }

  // What a citizen types may hold characters no database stores (NUL, other C0 controls pasted
  // in, half of an emoji cut by an on-screen keyboard): a body the server refuses would end in the
  // rejected store instead of the report. Tab, newline and CR stay; DEL goes as the server drops
  // it too; a lone surrogate becomes U+FFFD. The server cleans again: this is defence in depth.
  function cleanText(text) {
    var out = "";
    text = String(text == null ? "" : text);
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) continue;
      if (c >= 0xD800 && c <= 0xDBFF) {
        var next = text.charCodeAt(i + 1);
        if (next >= 0xDC00 && next <= 0xDFFF) { out += text.charAt(i) + text.charAt(i + 1); i += 1; }
        else out += "\uFFFD";
      } else if (c >= 0xDC00 && c <= 0xDFFF) {
        out += "\uFFFD";
      } else {
        out += text.charAt(i);
      }
    }
    return out;
  }

  /* ---------- sending ---------- */
  var sending = false;
  var dueAt = 0;           // earliest time of the next pass: the link's back-off or the next answer due
  var retryAfterUntil = 0; // the server's 429 Retry-After, honoured even on `online`
  var failures = 0;        // passes in a row stopped by the link (or by a failing server)
  var waiting = 0;
  var reportSoon = false;  // an answer moved to rejected: the heartbeat tells the admin now
  var SERVER_DOWN = 3;     // different answers refused with 5xx in a row: the server, not the answers

  function authHeaders(tok) {
    return { "Authorization": "Bearer " + tok, "Content-Type": "application/json" };
  }
  function timedFetch(url, options, ms) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, ms) : null;
    if (controller) options.signal = controller.signal;
    options.cache = "no-store";
    options.credentials = "omit";
    return fetch(url, options).finally(function () { clearTimeout(timer); });
  }
  function retryAfterSeconds(res) {
    var value = res.headers.get("Retry-After");
    var seconds = parseInt(value, 10);
    if (isNaN(seconds)) {
      var date = Date.parse(value);
      seconds = isNaN(date) ? 5 : Math.ceil((date - Date.now()) / 1000);
    }
    return Math.max(1, Math.min(seconds, 3600));
  }
  function delayFor(count) {
    return Math.min(Math.pow(2, count), settings.sync_seconds) * 1000;
  }
  // The link failed: the whole queue waits, whatever the answers' own clocks say.
  function backOff() {
    failures += 1;
    dueAt = Date.now() + delayFor(failures);
  }
  // This answer failed: only its own clock moves. `why` tells a link failure (cleared when the
  // browser reports the network back) from a server error.
  function retryLater(item, why) {
    return updateItem(item.id, function (record) {
      record.attempts = (record.attempts || 0) + 1;
      record.next_at = Date.now() + delayFor(record.attempts);
      record.last_error = why;
    }).catch(function (e) { console.error("kiosk: could not note the retry", e); });
  }
  function isDue(item, now) {
    return item.state === "ready" && !(item.next_at > now);
  }

  // "422 validation_failed: answers.overall": short enough for the admin's device page.
  function readRefusal(res) {
    return res.text().catch(function () { return ""; }).then(function (text) {
      var error = {};
      try { error = (JSON.parse(text) || {}).error || {}; } catch (e) { error = {}; }
      var fields = error.fields && typeof error.fields === "object" ? error.fields : {};
      var code = typeof error.code === "string" ? error.code : "";
      var names = Object.keys(fields);
      var reason = res.status + " " + (code || res.statusText || "refused") + (names.length ? ": " + names.join(", ") : "");
      return {
        status: res.status,
        code: code || null,
        message: typeof error.message === "string" ? error.message : null,
        fields: fields,
        text: text.slice(0, 2000),
        reason: cleanText(reason.slice(0, 255))
      };
    });
  }
  function isRefusedForGood(status) {
    // 408 is a proxy's "too slow, send again", not a verdict on the body.
    return status >= 400 && status < 500 && status !== 401 && status !== 408 && status !== 429;
  }
  // A captive portal or a proxy's error page can answer 200 too: only our server's own reply,
  // naming this answer's id, lets the answer leave the queue.
  function isStored(res, item) {
    if (res.redirected) return Promise.resolve(false);
    return res.json().then(function (data) {
      if (!data || typeof data !== "object") return false;
      return data.id == null || String(data.id).toLowerCase() === String(item.id).toLowerCase();
    }, function () { return false; });
  }

  function showWaiting() {
    $("queue-n").textContent = String(waiting);
    $("queue").hidden = waiting === 0;
  }
  function showQueue(items) {
    waiting = items.filter(function (i) { return i.state === "ready"; }).length;
    showWaiting();
  }

  var again = false;
  function flush(force) {
    if (sending) { again = again || force; return Promise.resolve(); }
    if (revoked || !token) return Promise.resolve();
    var now = Date.now();
    if (now < retryAfterUntil || (!force && now < dueAt)) return Promise.resolve();
    sending = true;
    var pass = { sent: 0, serverErrors: 0, stopped: false, next: now + settings.sync_seconds * 1000 };
    return allItems().then(function (items) {
      showQueue(items);
      var due = [];
      items.forEach(function (i) {
        if (isDue(i, now)) due.push(i);
        else if (i.state === "ready") pass.next = Math.min(pass.next, i.next_at);
      });
      // Answers never refused first, oldest first; then the retries, the least tried first.
      due.sort(function (a, b) { return (a.attempts || 0) - (b.attempts || 0) || a.created - b.created; });
      return sendEach(due, 0, pass);
    }).catch(function (e) {
      console.error("kiosk: send failed", e);
      pass.stopped = true;
      backOff();
    }).then(function () {
      sending = false;
      if (!pass.stopped) dueAt = pass.next;
      if (reportSoon) { reportSoon = false; heartbeat(); }
      // Answers finished while this pass was on the wire go out now, not at the next tick.
      if (again || (pass.sent && !pass.stopped)) { again = false; return flush(true); }
    });
  }

  // Sends the due answers in order; a failing answer only moves its own clock, except when the
  // link is gone, the server is down or asks the whole queue to wait.
  function sendEach(items, index, pass) {
    if (index >= items.length) return Promise.resolve();
    var item = items[index];
    var next = function () { return sendEach(items, index + 1, pass); };
    var stop = function () { pass.stopped = true; };
    // An answer belongs to the point where it was given: after the tablet moved to another point
    // it is sent with the token of the old pairing, never attributed to the new point.
    var tok = !item.point || !point || item.point === point.code ? token : item.token;
    return timedFetch(API + "responses", {
      method: "POST", headers: authHeaders(tok), body: JSON.stringify(item.body)
    }, 20000).then(function (res) {
      if (res.status === 200 || res.status === 201) {
        return isStored(res, item).then(function (stored) {
          if (!stored) {
            console.warn("kiosk: a reply that is not the server's", res.status, res.url);
            return retryLater(item, "link").then(function () { backOff(); stop(); });
          }
          failures = 0;
          pass.serverErrors = 0;
          pass.sent += 1;
          return deleteItem(item.id).then(function () {
            waiting = Math.max(0, waiting - 1);
            showWaiting();
            return next();
          });
        });
      }
      if (res.status === 429) {
        retryAfterUntil = Date.now() + retryAfterSeconds(res) * 1000;
        dueAt = retryAfterUntil;
        stop();
        return;
      }
      if (res.status === 401 && tok === token) { stop(); showRevoked(); return; }
      if (res.status === 401 || isRefusedForGood(res.status)) {
        return readRefusal(res).then(function (refusal) {
          if (res.status === 401) refusal.reason = "401 old pairing revoked";
          console.warn("kiosk: answer refused for good", item.id, refusal.reason, refusal.text);
          return rejectItem(item, refusal);
        }).then(function () {
          reportSoon = true;
          pass.serverErrors = 0;
          waiting = Math.max(0, waiting - 1);
          showWaiting();
          return next();
        });
      }
      // 5xx (or anything unexpected): this answer waits on its own clock, the others go on.
      return retryLater(item, "http " + res.status).then(function () {
        pass.serverErrors += 1;
        pass.next = Math.min(pass.next, Date.now() + delayFor((item.attempts || 0) + 1));
        if (pass.serverErrors >= SERVER_DOWN) { backOff(); stop(); return; }
        return next();
      });
    }, function (e) {
      // No answer at all: offline, the link dropped, or our timeout.
      var why = e && e.name === "AbortError" ? "timeout" : "link";
      return retryLater(item, why).then(function () { backOff(); stop(); });
    });
  }

  // The browser says the network is back: waits caused by the link are void, not a server's.
  function onOnline() {
    failures = 0;
    dueAt = 0;
    store("queue", "readwrite", function (s) {
      var req = s.openCursor();
      req.onsuccess = function () {
        var cursor = req.result;
        if (!cursor) return;
        var item = cursor.value;
        if (item.next_at && (item.last_error === "link" || item.last_error === "timeout")) {
          item.next_at = 0;
          cursor.update(item);
        }
        cursor.continue();
      };
    }).catch(function (e) { console.error("kiosk: queue unavailable", e); }).then(function () { flush(true); });
  }

  /* ---------- the survey, heartbeat and pairing state ---------- */
  function applySurvey(data) {
    if (data.settings) {
      Object.keys(data.settings).forEach(function (k) { settings[k] = data.settings[k]; });
      settings.sync_seconds = Math.min(settings.sync_seconds, 30);
    }
    if (data.point) point = data.point;
    if (data.server_time) learnClock(data.server_time);
    if (!data.survey) return;
    // The same survey again (every reload fetches it) leaves the buttons under the finger alone.
    if (survey && screen === "start" && JSON.stringify(data.survey) === JSON.stringify(survey)) {
      $("unit-name").textContent = point ? point.unit.name : "";
      $("point-name").textContent = point ? point.name : "";
      return;
    }
    // A survey change never lands in the middle of a citizen's answer.
    if (current || (screen !== "start" && screen !== "message")) { pendingSurvey = data.survey; return; }
    survey = data.survey;
    pendingSurvey = null;
    renderStart();
  }

  function fetchSurvey() {
    return timedFetch(API + "survey", { headers: authHeaders(token) }, 15000).then(function (res) {
      if (res.status === 401) { showRevoked(); return; }
      if (!res.ok) return;
      return res.json().then(function (data) {
        localStorage.setItem(KEY.survey, JSON.stringify(data));
        localStorage.setItem(KEY.point, JSON.stringify(data.point));
        applySurvey(data);
      });
    }).catch(function () { /* offline: the stored copy stays in use */ });
  }

  // What the tablet holds: answers waiting, and answers refused for good with the latest reason,
  // so the admin's device page shows a tablet that needs a look.
  function queueReport() {
    return Promise.all([
      allItems().catch(function () { return []; }),
      rejectedItems().catch(function () { return []; })
    ]).then(function (found) {
      var report = { version: VERSION, queue: found[0].length, rejected: found[1].length };
      var latest = null;
      found[1].forEach(function (r) { if (!latest || (r.rejected_at || 0) >= (latest.rejected_at || 0)) latest = r; });
      if (latest) {
        // Answers kept aside by an older version carry only their status.
        report.rejected_reason = cleanText(String(latest.reason || latest.status + " refused").slice(0, 255));
      }
      return report;
    });
  }

  function heartbeat() {
    if (!token || revoked) return Promise.resolve();
    return queueReport().then(function (report) {
      return timedFetch(API + "heartbeat", {
        method: "POST", headers: authHeaders(token), body: JSON.stringify(report)
      }, 15000);
    }).then(function (res) {
      if (res.status === 401) { showRevoked(); return; }
      if (!res.ok) return;
      checkForUpdate();
      return res.json().then(function (data) {
        if (data.server_time) learnClock(data.server_time);
        if (data.settings) applySurvey({ settings: data.settings });
        var known = (pendingSurvey || survey || {}).id;
        if (data.survey && data.survey.id !== known) return fetchSurvey();
      });
    }).catch(function () { /* offline: try again at the next beat */ });
  }

  function scheduleHeartbeat() {
    setTimeout(function () {
      heartbeat().then(scheduleHeartbeat, scheduleHeartbeat);
    }, Math.max(1, settings.heartbeat_seconds) * 1000);
  }

  function showRevoked() {
    revoked = true;
    showMessage(t("revoked_title"), t("revoked"), true);
  }

  /* ---------- screens ---------- */
  function show(name) {
    ["message", "start", "reasons", "criterion", "comment", "thanks"].forEach(function (s) {
      $("s-" + s).hidden = s !== name;
    });
    screen = name;
    body.dataset.screen = name;
  }

  function showMessage(title, text, withLink) {
    clearTimeout(idleTimer);
    clearTimeout(thanksTimer);
    setLargeText(false); // its button is hidden here, so nobody could turn it off
    $("message-title").textContent = title;
    $("message-text").textContent = text || "";
    $("message-link").hidden = !withLink;
    show("message");
  }

  function faceFor(score, scale) {
    var scores = scale.map(function (s) { return s.score; });
    var lo = Math.min.apply(null, scores);
    var hi = Math.max.apply(null, scores);
    return hi === lo ? 3 : 1 + Math.round(((score - lo) * 4) / (hi - lo));
  }

  function renderFaces(container, onPick) {
    container.textContent = "";
    container.className = "faces faces-" + survey.scale.length;
    survey.scale.forEach(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "face face-" + faceFor(item.score, survey.scale);
      button.dataset.score = item.score;
      var svgNs = "http://www.w3.org/2000/svg";
      var svg = document.createElementNS(svgNs, "svg");
      svg.setAttribute("viewBox", "0 0 100 100");
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("focusable", "false");
      var use = document.createElementNS(svgNs, "use");
      use.setAttribute("href", "#face-" + faceFor(item.score, survey.scale));
      svg.appendChild(use);
      var label = document.createElement("span");
      label.className = "label";
      label.textContent = field(item, "label");
      button.appendChild(svg);
      button.appendChild(label);
      button.addEventListener("click", function () { onPick(item.score, button); });
      container.appendChild(button);
    });
  }

  function firstCriterion() { return survey.criteria[0]; }

  function renderStart() {
    if (!survey) return;
    $("unit-name").textContent = point ? point.unit.name : "";
    $("point-name").textContent = point ? point.name : "";
    $("q-first").textContent = field(firstCriterion(), "question");
    renderFaces($("faces-first"), onFirstTap);
    if (screen === "message" && !revoked) show("start");
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (el) {
      el.textContent = t(el.dataset.t);
    });
    var other = lang === "en" ? "vi" : "en";
    $("lang").textContent = STR[lang].language;
    $("lang").setAttribute("lang", other);
    if (!survey) return;
    renderStart();
    if (current && screen === "reasons") renderReasons();
    if (current && screen === "criterion") renderCriterion();
  }

  // The kiosk forbids pinch zoom, so one citizen's zoom cannot stay for the next; this button is
  // the accessible alternative: every font size in kiosk.css is multiplied by 1.5.
  function setLargeText(on) {
    largeText = on;
    document.documentElement.classList.toggle("large-text", on);
    $("text-size").setAttribute("aria-pressed", on ? "true" : "false");
  }

  function startOver() {
    clearTimeout(idleTimer);
    clearTimeout(thanksTimer);
    setLargeText(false);
    current = null;
    plan = [];
    stepIndex = -1;
    $("comment-form").reset();
    $("reply-fields").hidden = true;
    $("reply-error").hidden = true;
    if (swUpdated) { location.reload(); return; }
    if (pendingSurvey) { survey = pendingSurvey; pendingSurvey = null; }
    show("start");
    if (lang !== defaultLang) { lang = defaultLang; applyLanguage(); } else { renderStart(); }
  }

  // The idle clock runs while an answer is open, and after a language or text-size switch, so the
  // next citizen always finds the first screen in the tablet's own language and normal text.
  function touchIdle() {
    clearTimeout(idleTimer);
    if (current || lang !== defaultLang || largeText) idleTimer = setTimeout(onIdle, settings.idle_seconds * 1000);
  }

  function onIdle() {
    if (screen === "thanks" || screen === "message") return;
    if (current) {
      captureDraft();
      finishAnswer();
    }
    startOver();
  }

  /* ---------- the citizen's flow ---------- */
  function onFirstTap(score, button) {
    if (current) finishAnswer();
    button.classList.add("picked");
    var answers = {};
    answers[firstCriterion().code] = score;
    current = {
      id: uuid(),
      state: "open",
      created: Date.now(),
      point: point ? point.code : null,
      token: token,
      body: { id: null, survey: survey.id, answers: answers, answered_at: nowIso() }
    };
    current.body.id = current.id;
    plan = [];
    var low = score <= settings.low_score && survey.reasons.length > 0;
    if (low) plan.push({ kind: "reasons" });
    survey.criteria.slice(1).forEach(function (c) { plan.push({ kind: "criterion", criterion: c }); });
    plan.push({ kind: "comment" });
    stepIndex = -1;
    nextStep(); // the screen changes before any storage work: the tap answers within a frame
    saveCurrent();
  }

  function nextStep() {
    stepIndex += 1;
    if (stepIndex >= plan.length) { finish(); return; }
    var step = plan[stepIndex];
    if (step.kind === "reasons") { renderReasons(); settle($("chips")); show("reasons"); }
    if (step.kind === "criterion") { renderCriterion(); settle($("faces-criterion")); show("criterion"); }
    if (step.kind === "comment") { show("comment"); }
    touchIdle();
  }

  // A double tap on a face must not also answer the next question under the same finger.
  function settle(el) {
    el.classList.add("settling");
    setTimeout(function () { el.classList.remove("settling"); }, 350);
  }

  function renderReasons() {
    var chips = $("chips");
    chips.textContent = "";
    var chosen = (current && current.body.reasons) || [];
    survey.reasons.forEach(function (reason) {
      var chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.setAttribute("aria-pressed", chosen.indexOf(reason.code) >= 0 ? "true" : "false");
      chip.textContent = field(reason, "label");
      chip.addEventListener("click", function () {
        var on = chip.getAttribute("aria-pressed") !== "true";
        chip.setAttribute("aria-pressed", on ? "true" : "false");
        var list = (current.body.reasons || []).filter(function (c) { return c !== reason.code; });
        if (on) list.push(reason.code);
        current.body.reasons = list;
        saveCurrent();
      });
      chips.appendChild(chip);
    });
  }

  function renderCriterion() {
    var step = plan[stepIndex];
    var criteria = plan.filter(function (s) { return s.kind === "criterion"; });
    $("step-count").textContent = (criteria.indexOf(step) + 1) + "/" + criteria.length;
    $("q-criterion").textContent = field(step.criterion, "question");
    renderFaces($("faces-criterion"), function (score, button) {
      button.classList.add("picked");
      current.body.answers[step.criterion.code] = score;
      nextStep();
      saveCurrent();
    });
  }

  function contactFromForm(strict) {
    if (!$("reply").checked) return null;
    var name = cleanText($("contact-name").value).trim();
    var phone = cleanText($("contact-phone").value).trim();
    if ((name || phone) && $("consent").checked) return { name: name, phone: phone, consent: true };
    return strict ? false : null;
  }

  // What was typed before an idle reset is kept; contact details only with the consent ticked.
  function captureDraft() {
    if (!current || screen !== "comment") return;
    var comment = cleanText($("comment").value).trim();
    if (comment) current.body.comment = comment;
    var contact = contactFromForm(false);
    if (contact) current.body.contact = contact;
  }

  function finishAnswer() {
    if (!current) return;
    var item = current;
    item.state = "ready";
    current = null;
    putItem(item).then(function () { return flush(true); }).catch(function (e) {
      console.error("kiosk: could not queue the answer", e);
    });
  }

  function finish() {
    finishAnswer();
    clearTimeout(idleTimer);
    show("thanks");
    thanksTimer = setTimeout(startOver, settings.thanks_seconds * 1000);
  }

  /* ---------- wiring ---------- */
  document.addEventListener("click", function (event) {
    var action = event.target.closest && event.target.closest("[data-action]");
    if (!action || !current) return;
    if (action.dataset.action === "next") nextStep();
    if (action.dataset.action === "finish") finish();
  });
  $("reply").addEventListener("change", function () {
    $("reply-fields").hidden = !$("reply").checked;
    $("reply-error").hidden = true;
  });
  $("comment-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) return;
    if (contactFromForm(true) === false) { $("reply-error").hidden = false; return; }
    captureDraft();
    finish();
  });
  $("lang").addEventListener("click", function () {
    lang = lang === "en" ? "vi" : "en";
    applyLanguage();
    touchIdle();
  });
  $("text-size").addEventListener("click", function () {
    setLargeText(!largeText);
    touchIdle();
  });
  ["pointerdown", "keydown", "input"].forEach(function (type) {
    document.addEventListener(type, touchIdle, { passive: true });
  });
  // No long-press menus or pinch gestures on a public tablet.
  document.addEventListener("contextmenu", function (event) {
    if (!event.target.closest("input, textarea")) event.preventDefault();
  });
  document.addEventListener("gesturestart", function (event) { event.preventDefault(); });
  window.addEventListener("online", onOnline);

  // Keep the screen on where the browser allows it.
  var wakeLock = null;
  function keepAwake() {
    if (!navigator.wakeLock || document.visibilityState !== "visible" || wakeLock) return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () { wakeLock = null; });
    }).catch(function () { /* not granted: the tablet's own settings decide */ });
  }
  document.addEventListener("visibilitychange", function () {
    keepAwake();
    if (document.visibilityState === "visible") flush(true);
  });

  // A kiosk page may stay open for weeks: look for a new shell now and then, not at every beat.
  var lastUpdateCheck = Date.now();
  function checkForUpdate() {
    if (!("serviceWorker" in navigator) || Date.now() - lastUpdateCheck < 3600000) return;
    lastUpdateCheck = Date.now();
    navigator.serviceWorker.getRegistration().then(function (reg) { if (reg) reg.update(); }).catch(function () {});
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    var hadController = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      // A new shell is ready; it is loaded at the next quiet moment, never mid-answer.
      if (hadController) swUpdated = true;
      hadController = true;
    });
    navigator.serviceWorker.register(body.dataset.sw, { scope: "/kiosk/" }).catch(function (e) {
      console.warn("kiosk: no service worker", e);
    });
  }

  function start() {
    $("lang").textContent = STR[lang].language;
    if (lang !== document.documentElement.lang) applyLanguage();
    registerWorker();
    keepAwake();
    // Answers left open by a reload, crash or power loss are complete as they stand.
    allItems().then(function (items) {
      var stale = items.filter(function (i) { return i.state === "open"; });
      return Promise.all(stale.map(function (i) { i.state = "ready"; return putItem(i); }));
    }).catch(function (e) { console.error("kiosk: queue unavailable", e); }).then(function () {
      flush(true);
    });
    setInterval(function () { flush(false); }, 1000);
    if (!token) {
      showMessage(t("unpaired_title"), t("unpaired"), true);
      return;
    }
    var stored = readJson(KEY.survey);
    if (stored && stored.survey) applySurvey(stored);
    else showMessage(t("loading"), "", false);
    fetchSurvey().then(function () {
      if (!survey && !revoked) showMessage(t("no_survey"), "", false);
      return heartbeat();
    }).then(scheduleHeartbeat, scheduleHeartbeat);
  }

  start();
})();
