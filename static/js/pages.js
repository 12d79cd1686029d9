// Small enhancements of pages that work without this script: each finds its
// elements and does nothing when they are absent.
(function () {
  "use strict";

  // Time zones: a form field marked data-browser-zone that is still empty
  // gets the browser's zone (sign-up's hidden field; the profile's select,
  // which gains the option when it is not among the usual ones).
  var browserZone = "";
  try { browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { browserZone = ""; }
  if (browserZone) {
    document.querySelectorAll("[data-browser-zone]").forEach(function (field) {
      if (field.value) return;
      if (field.tagName === "SELECT" && !Array.prototype.some.call(field.options, function (o) { return o.value === browserZone; })) {
        field.add(new Option(browserZone.replace(/_/g, " ") + " (this device)", browserZone), 1);
      }
      field.value = browserZone;
    });
  }

  // Posts a form for its JSON answer; rejects when the server answers
  // anything else (a page to show: the caller then posts the form itself).
  function postForJson(form) {
    return fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!response.ok || !json) throw new Error("not a JSON answer");
      return response.json();
    });
  }

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
    postForJson(form)
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

  // The pipeline board: cards move between columns by drag and drop, or
  // from the keyboard with the card's handle (Space picks up, the arrows
  // choose a column, Space drops, Escape cancels). Either way the card's
  // own move form is sent; anything but a plain move (a rejection asks
  // for its reason, an error) is sent as the form, so the page shows it.
  var board = document.querySelector("[data-board]");
  if (board) {
    var boardStatus = document.querySelector("[data-board-status]");
    var help = document.querySelector("[data-board-help]");
    if (help) help.hidden = false;
    var columns = Array.prototype.slice.call(board.querySelectorAll("[data-place]"));
    var say = function (text) { if (boardStatus) boardStatus.textContent = text; };
    var columnOf = function (el) { return el.closest("[data-place]"); };
    var recount = function () {
      columns.forEach(function (column) {
        var n = column.querySelectorAll("[data-card]").length;
        column.querySelector("[data-count]").firstChild.nodeValue = String(n);
        column.querySelector(".crm-column-empty").hidden = n > 0;
      });
    };
    var moveCard = function (card, column) {
      var from = columnOf(card);
      if (!column || column === from) return;
      var form = card.querySelector("form.crm-card-move");
      var select = form.querySelector("select");
      var value = column.getAttribute("data-place");
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
      if (!known) { say("This card cannot move there."); return; }
      var previous = select.value;
      select.value = value;
      column.querySelector(".crm-cards").appendChild(card);
      recount();
      postForJson(form)
        .then(function (answer) {
          say(card.getAttribute("data-name") + ": " + answer.message);
        })
        .catch(function () {
          // Put the card back and let the server's page take over.
          from.querySelector(".crm-cards").appendChild(card);
          recount();
          select.value = value;
          form.submit();
          select.value = previous;
        });
    };

    // Mouse and touch pads: native drag and drop.
    board.querySelectorAll("[data-card]").forEach(function (card) { card.draggable = true; });
    var dragged = null;
    board.addEventListener("dragstart", function (event) {
      dragged = event.target.closest && event.target.closest("[data-card]");
      if (!dragged) return;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.getAttribute("data-card"));
      dragged.classList.add("is-dragging");
    });
    board.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("is-dragging");
      columns.forEach(function (c) { c.classList.remove("is-drop-target"); });
      dragged = null;
    });
    board.addEventListener("dragover", function (event) {
      var column = columnOf(event.target);
      if (!dragged || !column) return;
      event.preventDefault();
      columns.forEach(function (c) { c.classList.toggle("is-drop-target", c === column); });
    });
    board.addEventListener("drop", function (event) {
      var column = columnOf(event.target);
      if (!dragged || !column) return;
      event.preventDefault();
      moveCard(dragged, column);
    });

    // Keyboard: the handle.
    var held = null;
    var heldFrom = null;
    // Moving a focused card out of the DOM tree blurs it: not a cancel.
    var moving = false;
    var carry = function (card, column) {
      moving = true;
      column.querySelector(".crm-cards").appendChild(card);
      card.querySelector(".crm-card-handle").focus();
      moving = false;
    };
    var drop = function (commit) {
      if (!held) return;
      var card = held;
      var target = columnOf(card);
      held.classList.remove("is-held");
      held.querySelector(".crm-card-handle").setAttribute("aria-pressed", "false");
      held = null;
      carry(card, heldFrom);
      if (commit && target !== heldFrom) {
        moveCard(card, target);
      } else {
        say(card.getAttribute("data-name") + " stays in " + heldFrom.getAttribute("data-label") + ".");
      }
      card.querySelector(".crm-card-handle").focus();
    };
    board.querySelectorAll(".crm-card-handle").forEach(function (handle) {
      handle.hidden = false;
      handle.setAttribute("aria-pressed", "false");
      handle.addEventListener("keydown", function (event) {
        var card = handle.closest("[data-card]");
        if (event.key === " " || event.key === "Enter") {
          event.preventDefault();
          if (held === card) { drop(true); return; }
          drop(false);
          held = card;
          heldFrom = columnOf(card);
          card.classList.add("is-held");
          handle.setAttribute("aria-pressed", "true");
          say(card.getAttribute("data-name") + " picked up in " + heldFrom.getAttribute("data-label") +
              ". Left and right arrows choose a column, Space drops, Escape cancels.");
        } else if (held === card && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
          event.preventDefault();
          var i = columns.indexOf(columnOf(card)) + (event.key === "ArrowRight" ? 1 : -1);
          if (i < 0 || i >= columns.length) return;
          carry(card, columns[i]);
          say(columns[i].getAttribute("data-label"));
        } else if (held === card && event.key === "Escape") {
          event.preventDefault();
          drop(false);
        }
      });
      handle.addEventListener("blur", function () {
        if (!moving && held === handle.closest("[data-card]")) drop(false);
      });
    });
  }

  // Suggestions as one types: a field with data-suggest fills its datalist
  // from that JSON endpoint ({"suggestions": [{"text", "label"}]}). Without
  // the script the field is a plain one.
  document.querySelectorAll("input[data-suggest][list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var typed = input.value.trim();
        if (typed.length < 2 || typed === asked) return;
        asked = typed;
        fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(typed), { headers: { Accept: "application/json" } })
          .then(function (response) {
            if (!response.ok) throw new Error("no suggestions");
            return response.json();
          })
          .then(function (answer) {
            if (input.value.trim() !== typed) return;
            var options = (answer.suggestions || []).map(function (s) {
              var option = document.createElement("option");
              option.value = s.text;
              if (s.label) option.label = s.label;
              return option;
            });
            list.replaceChildren.apply(list, options);
          })
          .catch(function () { asked = ""; });
      }, 150);
    });
  });
})();
