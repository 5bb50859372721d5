// Suggestions as you type under every input[data-suggest] (home, /suche, the community's ask form).
// ARIA 1.2 combobox: arrow keys move through the list, Enter opens the highlighted page, Escape closes.
(function () {
  "use strict";
  var counter = 0;
  var typeLabels = { de: { article: "Artikel", video: "Video", question: "Community" },
                     en: { article: "Article", video: "Video", question: "Community" } };
  var lang = (document.documentElement.getAttribute("lang") || "de").slice(0, 2) === "en" ? "en" : "de";

  function attach(input) {
    var n = ++counter;
    var endpoint = input.getAttribute("data-suggest-url") || "/api/v1/search/suggest";
    var list = document.createElement("ul");
    list.id = "suggest-list-" + n;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", lang === "en" ? "Suggestions" : "Vorschläge");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var wrap = input.parentNode;
    wrap.classList.add("suggest-host");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var seq = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (el, i) { el.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(suggestions) {
      items = suggestions;
      list.textContent = "";
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.className = "suggest-list__item";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-url", s.url);
        var type = document.createElement("span");
        type.className = "suggest-list__type";
        type.textContent = (typeLabels[lang][s.type] || s.type);
        var title = document.createElement("span");
        title.className = "suggest-list__title";
        title.textContent = s.title;
        li.appendChild(title);
        li.appendChild(type);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); go(i); });
        list.appendChild(li);
      });
      active = -1;
      if (suggestions.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = suggestions.length + (lang === "en" ? " suggestions, use the arrow keys."
                                                                 : " Vorschläge, mit den Pfeiltasten wählen.");
      } else {
        close();
        status.textContent = "";
      }
    }

    function go(index) {
      var s = items[index];
      if (s) { window.location.assign(s.url); }
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q.length < 2) { render([]); return; }
      var mine = ++seq;
      fetch(endpoint + "?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (mine === seq) { render(data.suggestions || []); } })
        .catch(function () { if (mine === seq) { render([]); } });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 120);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") {
        if (list.hidden) { if (items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } else { return; } }
        ev.preventDefault();
        highlight(Math.min(active + 1, items.length - 1));
      } else if (ev.key === "ArrowUp") {
        if (list.hidden) { return; }
        ev.preventDefault();
        highlight(active - 1);
      } else if (ev.key === "Enter") {
        if (!list.hidden && active >= 0) { ev.preventDefault(); go(active); }
      } else if (ev.key === "Escape") {
        if (!list.hidden) { ev.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("input[data-suggest]").forEach(attach);
})();
