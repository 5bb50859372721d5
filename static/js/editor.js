// Editor live preview: sends the Markdown to /redaktion/vorschau (debounced) and shows the sanitized HTML
// the server returns. Without JavaScript the "Vorschau" button renders the same preview server-side.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  var target = document.querySelector("[data-preview-target]");
  if (!form || !target) { return; }
  var source = form.querySelector("textarea[name='body']");
  var statusLine = document.querySelector("[data-preview-status]");
  var tokenField = form.querySelector("input[name='csrf_token']");
  if (!source) { return; }
  var timer = null;
  var sequence = 0;
  var lang = document.documentElement.lang === "en" ? "en" : "de";
  var texts = {
    de: { busy: "Vorschau wird aktualisiert …", ok: "Vorschau aktuell.", fail: "Vorschau nicht verfügbar." },
    en: { busy: "Updating preview …", ok: "Preview up to date.", fail: "Preview unavailable." }
  }[lang];

  function say(text) { if (statusLine) { statusLine.textContent = text; } }

  function update() {
    var mine = ++sequence;
    say(texts.busy);
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (tokenField) { headers["X-CSRFToken"] = tokenField.value; }
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST", credentials: "same-origin", headers: headers,
      body: JSON.stringify({ body: source.value })
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      if (mine !== sequence) { return; }  // a newer request is on its way
      target.innerHTML = data.html;  // sanitized on the server by content/render.py
      target.setAttribute("data-preview-version", String(mine));
      say(texts.ok);
    }).catch(function () {
      if (mine === sequence) { say(texts.fail); }
    });
  }

  source.addEventListener("input", function () {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(update, 400);
  });
})();
