// Live updates for logged-in pages. Pages work without this script; it only
// adds what arrives while a page is open: the bell and inbox counts, toasts,
// new messages in an open thread, and stage labels on "My applications".
//
// Protocol (see src/realtime/feed.rs): the page opens /ws with the last
// notification and message ids it has seen (the server renders them into the
// bell and inbox links); the server sends what came after them once, then
// each new thing as it is stored. After a drop the script reconnects with
// back-off from the ids it has seen since, so nothing is shown twice.
(function () {
  "use strict";

  var bell = document.querySelector('[data-live="bell"]');
  var inbox = document.querySelector('[data-live="inbox"]');
  var toasts = document.querySelector('[data-live="toasts"]');
  if (!bell || !("WebSocket" in window)) return;

  var seen = {
    notification: parseInt(bell.getAttribute("data-after"), 10) || 0,
    message: inbox ? parseInt(inbox.getAttribute("data-after"), 10) || 0 : 0
  };
  var socket = null;
  var attempts = 0;
  var timer = null;
  var MAX_TOASTS = 4;
  var TOAST_MS = 9000;

  function wsUrl() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + location.host + "/ws?notification=" + seen.notification + "&message=" + seen.message;
  }

  function connect() {
    timer = null;
    if (socket) return;
    try {
      socket = new WebSocket(wsUrl());
    } catch (e) {
      socket = null;
      retry();
      return;
    }
    socket.onmessage = function (event) {
      var frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      handle(frame);
    };
    socket.onclose = function () {
      socket = null;
      retry();
    };
  }

  // Exponential back-off with jitter: 1 s, 2 s, 4 s … up to 30 s.
  function retry() {
    if (timer) return;
    var delay = Math.min(30000, 1000 * Math.pow(2, attempts));
    attempts += 1;
    delay = delay / 2 + Math.random() * delay / 2;
    timer = setTimeout(connect, delay);
  }

  function reconnectNow() {
    if (socket) return;
    if (timer) clearTimeout(timer);
    timer = null;
    attempts = 0;
    connect();
  }

  // True when the frame went out.
  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  function handle(frame) {
    switch (frame.type) {
      case "ready":
        attempts = 0;
        markOpenThreadSeen();
        break;
      case "counts":
        setCount(bell, "notifications", frame.notifications, "Notifications");
        if (inbox) setCount(inbox, "messages", frame.messages, "Messages");
        break;
      case "notification":
        if (frame.id <= seen.notification) return;
        seen.notification = frame.id;
        onNotification(frame);
        break;
      case "message":
        if (frame.id <= seen.message) return;
        seen.message = frame.id;
        onMessage(frame);
        break;
    }
  }

  function setCount(link, name, value, label) {
    var badge = link.querySelector('[data-live-count="' + name + '"]');
    if (!badge) return;
    var n = Math.max(0, parseInt(value, 10) || 0);
    badge.textContent = n > 99 ? "99+" : String(n);
    badge.hidden = n === 0;
    link.setAttribute("aria-label", label + ", " + n + " unread");
  }

  function openThread() {
    return document.querySelector("[data-thread]");
  }

  function onNotification(n) {
    var data = n.data || {};
    if (n.kind === "stage" && data.applicant_id) updateStage(data);
    var thread = openThread();
    var aboutOpenThread = n.kind === "message" && thread && String(data.applicant_id) === thread.getAttribute("data-thread");
    if (!aboutOpenThread) toast(n);
  }

  // Stage badges carry one class per stage (routes::applicants::stage_class).
  function updateStage(data) {
    var labels = document.querySelectorAll('[data-applicant-stage="' + data.applicant_id + '"]');
    for (var i = 0; i < labels.length; i++) {
      if (data.label) labels[i].textContent = data.label;
      if (data.stage && /^[a-z]+$/.test(data.stage)) {
        var old = labels[i].getAttribute("data-stage");
        if (old) labels[i].classList.remove("stage-" + old);
        labels[i].setAttribute("data-stage", data.stage);
        labels[i].classList.add("stage-" + data.stage);
      }
      labels[i].classList.add("live-updated");
    }
  }

  function onMessage(m) {
    var thread = openThread();
    if (!thread || thread.getAttribute("data-thread") !== String(m.thread)) return;
    if (thread.querySelector('[data-message-id="' + m.id + '"]')) return;
    var item = document.createElement("li");
    item.className = "message " + (m.ours ? "message-ours" : "message-theirs") + " message-new";
    item.setAttribute("data-message-id", m.id);
    var meta = document.createElement("div");
    meta.className = "message-meta";
    var sender = document.createElement("span");
    sender.className = "message-sender";
    sender.textContent = m.sender;
    var time = document.createElement("time");
    time.setAttribute("datetime", m.created_at);
    time.textContent = m.time;
    meta.appendChild(sender);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(time);
    var body = document.createElement("p");
    body.className = "message-body";
    body.textContent = m.body;
    item.appendChild(meta);
    item.appendChild(body);
    thread.appendChild(item);
    var empty = document.querySelector("[data-thread-empty]");
    if (empty) empty.remove();
    thread.classList.remove("thread-is-empty");
    if (item.scrollIntoView) item.scrollIntoView({ block: "nearest" });
    if (!m.ours) markOpenThreadSeen();
  }

  // The reader has the thread in front of them: its new messages are read.
  function markOpenThreadSeen() {
    var thread = openThread();
    if (!thread || document.visibilityState === "hidden") return;
    if (!send({ type: "seen", thread: parseInt(thread.getAttribute("data-thread"), 10) })) return;
    // The page's own "Mark as read" button has nothing left to do.
    var button = document.querySelector("[data-thread-read]");
    if (button) button.remove();
  }

  // "Open" follows the notification the way the notifications page does: a
  // POST that marks it read (a GET never changes anything).
  function toast(n) {
    if (!toasts) return;
    var title = n.title, body = n.body, link = n.link;
    while (toasts.children.length >= MAX_TOASTS) toasts.removeChild(toasts.firstChild);
    var box = document.createElement("div");
    box.className = "toast toast-live";
    box.setAttribute("role", "status");
    var heading = document.createElement("strong");
    heading.textContent = title;
    box.appendChild(heading);
    if (body) {
      var text = document.createElement("p");
      text.className = "toast-body";
      text.textContent = body;
      box.appendChild(text);
    }
    var token = document.querySelector('meta[name="csrf-token"]');
    if (token && link && link.charAt(0) === "/" && link.charAt(1) !== "/") {
      var open = document.createElement("form");
      open.method = "post";
      open.action = "/notifications/" + encodeURIComponent(n.id) + "/read";
      open.className = "toast-open";
      open.appendChild(hidden("csrf_token", token.getAttribute("content")));
      open.appendChild(hidden("next", link));
      var button = document.createElement("button");
      button.type = "submit";
      button.textContent = "Open";
      open.appendChild(button);
      box.appendChild(open);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "\u00d7";
    close.addEventListener("click", function () {
      box.remove();
    });
    box.appendChild(close);
    toasts.appendChild(box);
    setTimeout(function () {
      if (!box.matches(":hover") && !box.contains(document.activeElement)) box.remove();
      else box.addEventListener("mouseleave", function () { box.remove(); }, { once: true });
    }, TOAST_MS);
  }

  function hidden(name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      if (socket) markOpenThreadSeen();
      else reconnectNow();
    }
  });
  window.addEventListener("online", reconnectNow);
  window.addEventListener("pagehide", function () {
    if (socket) socket.close(1000);
  });

  connect();
})();
