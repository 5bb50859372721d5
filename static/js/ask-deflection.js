// Deflection on the ask form: while the title is typed, show matching articles, videos and questions, solved
// ones first (GET /vorschlag/suche, from the search suggestions) in #ask-suggestions. Links go through
// /vorschlag/klick, which records the click in the search analytics (source "ask") and counts the people who
// opened an answer and left without posting.
// Progressive: without JavaScript the form works as before.
(function () {
  "use strict";
  var panel = document.getElementById("ask-suggestions");
  var input = document.getElementById("title");
  if (!panel || !input) { return; }
  var endpoint = panel.getAttribute("data-suggest-url") || "/vorschlag/suche";
  var clickUrl = panel.getAttribute("data-click-url") || "/vorschlag/klick";
  var en = (document.documentElement.getAttribute("lang") || "de").slice(0, 2) === "en";
  var text = en
    ? { heading: "Maybe this already answers your question:", article: "Article", video: "Video",
        question: "Community", solved: "solved", hint: "Nothing fits? Just go on writing your question." }
    : { heading: "Vielleicht hilft Ihnen das schon weiter:", article: "Artikel", video: "Video",
        question: "Community", solved: "gelöst", hint: "Nichts Passendes dabei? Schreiben Sie einfach weiter." };
  var timer = null;
  var seq = 0;
  var lastQuery = "";

  function idFrom(url) {
    var path = url.split("#")[0].split("?")[0].replace(/\/+$/, "");
    return path.slice(path.lastIndexOf("/") + 1).slice(0, 40) || "-";
  }

  function isLocal(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.indexOf("\\") === -1;
  }

  function trackedHref(item, query) {
    return clickUrl + "?to=" + encodeURIComponent(item.url) + "&type=" + encodeURIComponent(item.type) +
      "&id=" + encodeURIComponent(idFrom(item.url)) + "&q=" + encodeURIComponent(query);
  }

  function render(items, query) {
    panel.textContent = "";
    items = items.filter(function (item) { return isLocal(item.url) && item.title; }).slice(0, 5);
    if (!items.length) { panel.hidden = true; return; }
    var heading = document.createElement("p");
    heading.className = "ask-suggestions__title";
    heading.id = "ask-suggestions-title";
    heading.textContent = text.heading;
    var list = document.createElement("ul");
    list.setAttribute("aria-labelledby", heading.id);
    items.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = trackedHref(item, query);
      link.textContent = item.title;
      link.setAttribute("data-deflection", item.type);
      var type = document.createElement("span");
      type.className = "ask-suggestions__type";
      type.textContent = " · " + (text[item.type] || item.type) + (item.solved ? " · ✓ " + text.solved : "");
      li.appendChild(link);
      li.appendChild(type);
      list.appendChild(li);
    });
    var hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = text.hint;
    panel.appendChild(heading);
    panel.appendChild(list);
    panel.appendChild(hint);
    panel.classList.add("ask-suggestions");
    panel.hidden = false;
  }

  function update() {
    var query = input.value.trim();
    if (query === lastQuery) { return; }
    lastQuery = query;
    if (query.length < 3) { render([], query); return; }
    var mine = ++seq;
    fetch(endpoint + "?q=" + encodeURIComponent(query), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (mine === seq) { render(data.suggestions || [], query); } })
      .catch(function () { if (mine === seq) { render([], query); } });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 250);
  });
  if (input.value.trim()) { update(); }
})();
