// "War dieser Artikel hilfreich?": progressive enhancement of the plain POST forms (they work without JS).
(function () {
  "use strict";
  var section = document.querySelector("[data-feedback]");
  if (!section || !window.fetch || !window.FormData) { return; }
  var status = section.querySelector("[data-feedback-status]");
  var voteForm = section.querySelector("[data-feedback-vote]");
  var commentForm = section.querySelector("[data-feedback-comment]");

  function say(message, ok) {
    status.textContent = "";
    var p = document.createElement("p");
    p.className = ok ? "notice notice--ok" : "notice";
    p.textContent = message;
    status.appendChild(p);
  }

  function post(form, extra) {
    var data = new FormData(form);
    if (extra) { data.append(extra.name, extra.value); }
    return fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    });
  }

  if (voteForm) {
    voteForm.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !button.value) { return; }  // old browsers: let the form submit normally
      event.preventDefault();
      post(voteForm, { name: button.name, value: button.value }).then(function (result) {
        if (!result.ok) { say(result.body.message || "", false); return; }
        voteForm.hidden = true;
        say(result.body.message, result.body.status === "recorded");
        if (result.body.show_comment && commentForm) {
          commentForm.hidden = false;
          var box = commentForm.querySelector("textarea");
          if (box) { box.focus(); }
        }
      }).catch(function () {
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = button.name; hidden.value = button.value;
        voteForm.appendChild(hidden);
        voteForm.submit();
      });
    });
  }

  if (commentForm) {
    commentForm.addEventListener("submit", function (event) {
      event.preventDefault();
      post(commentForm).then(function (result) {
        say(result.body.message || "", result.ok);
        if (result.ok) { commentForm.hidden = true; }
      }).catch(function () { commentForm.submit(); });
    });
  }
})();
