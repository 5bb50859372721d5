// Video tutorials: consent-first YouTube embeds (youtube-nocookie, only after a click), self-hosted <video>,
// chapters and transcript that seek the player and keep ?t= in the URL. No inline script anywhere (CSP).
(function () {
  "use strict";
  if (window.hcVideo) { return; }  // the script may be included once per [[video:ID]] embed
  var KEY = "hc-video-consent";
  var ORIGIN = "https://www.youtube-nocookie.com";
  var FRAME_TIMEOUT = 8000;

  function remembered() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function remember(on) {
    try {
      if (on) { window.localStorage.setItem(KEY, "1"); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* storage disabled: consent then lasts for this page only */ }
  }

  function formatTime(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function setPosition(player, seconds) {
    player.setAttribute("data-start", String(seconds));
    player.querySelectorAll("[data-video-position]").forEach(function (el) { el.textContent = formatTime(seconds); });
    var label = player.querySelector("[data-video-start-label]");
    if (label) { label.hidden = seconds <= 0; }
  }

  function showOffline(player) {
    var consent = player.querySelector("[data-video-consent]");
    var notice = player.querySelector("[data-video-offline]");
    var frame = player.querySelector("[data-video-frame]");
    if (!notice) { return; }
    if (consent) { consent.hidden = true; }
    if (frame) { frame.hidden = true; frame.textContent = ""; }
    var demo = player.getAttribute("data-demo") === "1";
    notice.querySelector("[data-offline-demo]").hidden = !demo;
    notice.querySelector("[data-offline-network]").hidden = demo;
    notice.hidden = false;
    player.setAttribute("data-state", "offline");
  }

  function load(player) {
    var state = player.getAttribute("data-state");
    if (state === "loaded" || state === "offline") { return; }
    var embed = player.getAttribute("data-embed");
    if (!embed) { return; }
    if (player.getAttribute("data-demo") === "1" || navigator.onLine === false) {
      showOffline(player);
      return;
    }
    var start = parseInt(player.getAttribute("data-start") || "0", 10) || 0;
    var iframe = document.createElement("iframe");
    iframe.className = "video-player__frame";
    iframe.title = player.getAttribute("data-title") || "Video";
    iframe.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    iframe.setAttribute("allowfullscreen", "");
    iframe.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    iframe.src = embed + "?start=" + start + "&autoplay=1&rel=0&enablejsapi=1&origin=" +
      encodeURIComponent(window.location.origin);
    iframe.addEventListener("error", function () { showOffline(player); });
    // A frame that never talks back (YouTube unreachable: the browser shows its own error page) is replaced by
    // the notice instead of staying broken. The embed answers "listening" within moments when it works.
    iframe.addEventListener("load", function () {
      try {
        iframe.contentWindow.postMessage(JSON.stringify({ event: "listening", id: 1, channel: "widget" }), ORIGIN);
      } catch (e) { /* ignore */ }
      window.setTimeout(function () {
        if (player.getAttribute("data-answered") !== "1" && player.getAttribute("data-state") === "loaded") {
          showOffline(player);
        }
      }, FRAME_TIMEOUT);
    });
    var box = player.querySelector("[data-video-frame]");
    box.appendChild(iframe);
    box.hidden = false;
    player.querySelector("[data-video-consent]").hidden = true;
    player.setAttribute("data-state", "loaded");
  }

  function seekPlayer(player, seconds) {
    setPosition(player, seconds);
    var video = player.querySelector("video");
    if (video) {
      try { video.currentTime = seconds; } catch (e) { /* metadata not loaded yet: data-start applies later */ }
      var played = video.play();
      if (played && played.catch) { played.catch(function () {}); }
      return;
    }
    var iframe = player.querySelector("iframe");
    if (iframe && iframe.contentWindow) {
      iframe.contentWindow.postMessage(JSON.stringify({ event: "command", func: "seekTo", args: [seconds, true] }), ORIGIN);
      iframe.contentWindow.postMessage(JSON.stringify({ event: "command", func: "playVideo", args: [] }), ORIGIN);
    }
  }

  function highlight(seconds) {
    var activeCue = null;
    document.querySelectorAll("[data-cue-start]").forEach(function (el) {
      var start = parseFloat(el.getAttribute("data-cue-start"));
      var endRaw = el.getAttribute("data-cue-end");
      var end = endRaw === "" ? Infinity : parseFloat(endRaw);
      var on = seconds >= Math.floor(start) && seconds < end;
      el.classList.toggle("is-active", on);
      if (on) { el.setAttribute("aria-current", "true"); } else { el.removeAttribute("aria-current"); }
      if (on && el.hasAttribute("data-cue")) { activeCue = el; }
    });
    return activeCue;
  }

  function scrollIntoList(cue) {
    var list = cue && cue.closest("[data-transcript]");
    if (list && list.scrollHeight > list.clientHeight) {
      list.scrollTop = cue.offsetTop - list.offsetTop - list.clientHeight / 3;
    }
  }

  function updateUrl(seconds) {
    var url = new URL(window.location.href);
    if (seconds > 0) { url.searchParams.set("t", String(seconds)); } else { url.searchParams.delete("t"); }
    window.history.replaceState(null, "", url.toString());
  }

  function init() {
    var players = Array.prototype.slice.call(document.querySelectorAll("[data-video-player]"));
    var always = remembered();
    players.forEach(function (player) {
      var button = player.querySelector("[data-video-load]");
      var checkbox = player.querySelector("[data-video-always]");
      if (checkbox) {
        checkbox.checked = always;
        checkbox.addEventListener("change", function () {
          // Unticking withdraws the consent at once; ticking counts only with a loaded video (a click on
          // "Video laden" stands for consent). Every player on the page shows the same choice.
          if (!checkbox.checked) {
            remember(false);
          } else if (player.getAttribute("data-state") === "loaded") {
            remember(true);
          }
          players.forEach(function (other) {
            var box = other.querySelector("[data-video-always]");
            if (box && box !== checkbox) { box.checked = checkbox.checked; }
          });
        });
      }
      if (button) {
        button.addEventListener("click", function () {
          if (checkbox && checkbox.checked) { remember(true); }
          load(player);
        });
      }
      var video = player.querySelector("video");
      if (video) {
        var start = parseInt(player.getAttribute("data-start") || "0", 10) || 0;
        video.addEventListener("loadedmetadata", function () {
          var wanted = parseInt(player.getAttribute("data-start") || "0", 10) || 0;
          if (wanted && Math.abs(video.currentTime - wanted) > 1) { video.currentTime = wanted; }
        });
        video.addEventListener("timeupdate", function () {
          highlight(video.currentTime);
          player.setAttribute("data-position", String(Math.floor(video.currentTime)));
        });
        if (start) { highlight(start); }
      } else if (always && player.getAttribute("data-embed")) {
        load(player);
      }
    });

    window.addEventListener("message", function (event) {
      if (event.origin !== ORIGIN) { return; }
      document.querySelectorAll("[data-video-player] iframe").forEach(function (frame) {
        if (frame.contentWindow === event.source) {
          frame.closest("[data-video-player]").setAttribute("data-answered", "1");
        }
      });
    });
    window.addEventListener("offline", function () {
      players.forEach(function (player) {
        if (player.getAttribute("data-state") === "loaded") { showOffline(player); }
      });
    });

    var page = document.querySelector("[data-video-page]");
    if (!page) { return; }
    var mainPlayer = page.querySelector("[data-video-player]");
    var initial = mainPlayer ? parseInt(mainPlayer.getAttribute("data-start") || "0", 10) || 0 : 0;
    if (initial) { scrollIntoList(highlight(initial)); }
    page.addEventListener("click", function (event) {
      var link = event.target.closest("[data-seek]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      event.preventDefault();
      var seconds = parseInt(link.getAttribute("data-seek"), 10) || 0;
      updateUrl(seconds);
      highlight(seconds);
      if (mainPlayer) {
        seekPlayer(mainPlayer, seconds);
        // Once something plays (or the notice shows the position), bring it into view; on a phone the
        // transcript sits below the player.
        if (mainPlayer.getAttribute("data-state") || mainPlayer.querySelector("video")) {
          var box = mainPlayer.getBoundingClientRect();
          if (box.bottom < 0 || box.top > window.innerHeight) { mainPlayer.scrollIntoView({ block: "nearest" }); }
        }
      }
    });
  }

  window.hcVideo = { load: load, seek: seekPlayer, formatTime: formatTime };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
