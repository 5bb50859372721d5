// Community enhancements (progressive: every form works without JavaScript).
(function () {
  "use strict";
  // Ask "really?" before destructive moderation buttons marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Character counters for text areas with a maxlength.
  document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
    var counter = document.createElement("p");
    counter.className = "hint";
    counter.setAttribute("aria-live", "polite");
    var update = function () {
      var left = Number(area.getAttribute("maxlength")) - area.value.length;
      counter.textContent = left + " / " + area.getAttribute("maxlength");
    };
    area.insertAdjacentElement("afterend", counter);
    area.addEventListener("input", update);
    update();
  });
})();
