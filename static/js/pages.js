// Small enhancements of pages that work without this script: each finds its
// elements and does nothing when they are absent.
(function () {
  "use strict";

  // Saving a job from a list toggles the button in place: no reload, no
  // jump to the top. Without the script the form posts and the server sends
  // the seeker back to the same card (its anchor).
  var status = document.querySelector("[data-save-status]");
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-save-toggle]")) return;
    event.preventDefault();
    var button = form.querySelector("button");
    if (button.disabled) return;
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (answer) {
        var saved = !!answer.saved;
        form.action = form.action.replace(/\/(un)?save$/, saved ? "/unsave" : "/save");
        button.classList.toggle("is-saved", saved);
        button.setAttribute("aria-pressed", saved ? "true" : "false");
        button.title = saved ? "Remove from saved jobs" : "Save this job";
        button.querySelector("span").textContent = saved ? "Saved" : "Save";
        if (status && answer.message) status.textContent = answer.message;
      })
      .catch(function () {
        form.submit();
      })
      .then(function () {
        button.disabled = false;
      });
  });
})();
