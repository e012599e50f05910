// BidForge pages work without this file; it only adds comforts.
"use strict";

// Times arrive in UTC inside <time datetime>; show them in the viewer's own time zone.
function localiseTimes(root) {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  for (const element of root.querySelectorAll("time[datetime]")) {
    const when = new Date(element.getAttribute("datetime"));
    if (!Number.isNaN(when.getTime())) {
      element.title = element.textContent;
      element.textContent = format.format(when);
    }
  }
}

document.addEventListener("DOMContentLoaded", () => localiseTimes(document));

// A refused form is answered at the address it posted to, which no GET serves: the page names its own address
// (<link rel="canonical">), so the address bar, a reload and the live refresh use that instead.
function pageAddress() {
  const canonical = document.querySelector('link[rel="canonical"]');
  return canonical ? canonical.href : window.location.href;
}

document.addEventListener("DOMContentLoaded", () => {
  const canonical = document.querySelector('link[rel="canonical"]');
  if (canonical && window.history.replaceState) {
    window.history.replaceState(window.history.state, "", canonical.href + window.location.hash);
  }
});

// The browser's offset from UTC, so a due time typed in local time is stored as the moment the user meant.
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll("[data-utc-offset]")) {
    field.value = String(-new Date().getTimezoneOffset());
  }
  // A stored due time arrives in UTC; the field shows it in local time (the offset above turns it back on save).
  const pad = (n) => String(n).padStart(2, "0");
  for (const input of document.querySelectorAll("input[data-utc]")) {
    const when = new Date(input.dataset.utc);
    if (!input.dataset.utc || Number.isNaN(when.getTime())) continue;
    input.value = `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}T${pad(when.getHours())}:${pad(when.getMinutes())}`;
  }
});

// Confirmation before actions that cannot be undone (cancelling a project, awarding).
document.addEventListener("submit", (event) => {
  const question = event.target.getAttribute("data-confirm");  // empty: nothing to ask
  if (question && !window.confirm(question)) event.preventDefault();
});

// Uploads with a progress bar (the form also works without this script), and drag and drop onto the form.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-upload]")) {
    const input = form.querySelector("input[type=file]");
    const bar = form.querySelector("progress");
    form.addEventListener("dragover", (event) => { event.preventDefault(); form.classList.add("dragging"); });
    form.addEventListener("dragleave", () => form.classList.remove("dragging"));
    form.addEventListener("drop", (event) => {
      event.preventDefault();
      form.classList.remove("dragging");
      if (event.dataTransfer.files.length) input.files = event.dataTransfer.files;
    });
    form.addEventListener("submit", (event) => {
      if (!input.files.length) return;
      event.preventDefault();
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", (progress) => {
        if (progress.lengthComputable) { bar.hidden = false; bar.value = (100 * progress.loaded) / progress.total; }
      });
      request.addEventListener("load", () => {
        if (request.status === 201) { window.location.reload(); return; }
        let message = "The upload failed.";
        try { message = JSON.parse(request.responseText).error.message; } catch (_) { /* keep the default */ }
        bar.hidden = true;
        window.alert(message);
      });
      request.send(new FormData(form));
    });
  }
});

// The bid form totals as you type (the server computes the same totals; this is only for the eye).
document.addEventListener("DOMContentLoaded", () => {
  const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
  const recompute = (form) => {
    let sum = 0;
    for (const row of form.querySelectorAll("[data-row]")) {
      const quantity = parseFloat(row.querySelector("[data-quantity]").value.replace(/,/g, ""));
      const price = parseFloat(row.querySelector("[data-price]").value.replace(/[$,]/g, ""));
      const output = row.querySelector("[data-line-total]");
      if (quantity > 0 && price >= 0) {
        const cents = Math.round(quantity * Math.round(price * 100));
        sum += cents;
        output.textContent = money.format(cents / 100);
      } else {
        output.textContent = "—";
      }
    }
    form.querySelector("[data-bid-total]").textContent = sum > 0 ? money.format(sum / 100) : "—";
    const addendum = form.querySelector("[data-latest-addendum]");
    const warning = form.querySelector("[data-addendum-warning]");
    if (addendum && warning) warning.hidden = Number(addendum.value) >= Number(addendum.dataset.latestAddendum);
  };
  // Delegated, so a form that a live update put in place works as the first one did.
  for (const type of ["input", "change"]) {
    document.addEventListener(type, (event) => {
      const form = event.target.closest && event.target.closest("form[data-bid-form]");
      if (form) recompute(form);
    });
  }
  document.addEventListener("live:swapped", (event) => {
    for (const form of event.target.querySelectorAll("form[data-bid-form]")) recompute(form);
  });
  for (const form of document.querySelectorAll("form[data-bid-form]")) recompute(form);
});

// Sortable leveling table: click a heading marked data-sort.
document.addEventListener("click", (event) => {
  const heading = event.target.closest("table[data-sortable] th[data-sort]");
  if (!heading) return;
  const table = heading.closest("table");
  const column = Array.from(heading.parentElement.children).indexOf(heading);
  const numeric = heading.dataset.sort === "number";
  const ascending = heading.getAttribute("aria-sort") !== "ascending";
  for (const other of heading.parentElement.children) other.removeAttribute("aria-sort");
  heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const body = table.tBodies[0];
  const value = (row) => {
    const cell = row.children[column];
    return numeric ? Number(cell.dataset.value ?? cell.textContent) : cell.textContent.trim().toLowerCase();
  };
  const rows = Array.from(body.rows).sort((a, b) => (value(a) > value(b) ? 1 : value(a) < value(b) ? -1 : 0) * (ascending ? 1 : -1));
  for (const row of rows) body.appendChild(row);
});

// Live updates. Signed-in pages open the realtime socket (with a single-use ticket from the session) and, when an
// event concerns what the page shows, fetch the page again and swap in its [data-live-region] parts. Without this
// script, or while the socket is down, the pages are simply as fresh as their last load.
document.addEventListener("DOMContentLoaded", () => {
  const body = document.body;
  if (!body.hasAttribute("data-live") || !("WebSocket" in window) || !window.fetch) return;
  const scope = document.querySelector("[data-live-scope]");
  const watches = {
    project: scope ? scope.dataset.liveProject : undefined,
    conversation: scope ? scope.dataset.liveConversation : undefined,
    everything: scope ? scope.hasAttribute("data-live-any") : false,
  };
  const status = document.querySelector("[data-live-status]");
  let lastEventId = null;
  let delay = 1000;
  let refreshTimer = null;
  let connectedBefore = false;
  // For the browser tests and the curious: `bidforgeLive.socket.close()` shows the reconnect at work.
  const live = { socket: null };
  window.bidforgeLive = live;

  const badge = () => document.querySelector("[data-unread-badge]");
  const setUnread = (count) => {
    const element = badge();
    if (!element) return;
    element.textContent = String(count);
    element.hidden = count <= 0;
  };

  const concernsPage = (frame) => {
    if (watches.everything) return true;
    const data = frame.type === "notification.created" ? (frame.data && frame.data.data) || {} : frame.data || {};
    const same = (a, b) => Boolean(a && b && String(a).toLowerCase() === String(b).toLowerCase());
    return same(data.conversationId, watches.conversation) || same(data.projectId, watches.project);
  };

  const refresh = async () => {
    const response = await fetch(pageAddress(), { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok || response.redirected) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    let changed = false;
    for (const region of document.querySelectorAll("[data-live-region][id]")) {
      const replacement = fresh.getElementById(region.id);
      // Never pull the rug from under someone typing in a form inside the region.
      if (!replacement || region.contains(document.activeElement) && document.activeElement !== document.body) continue;
      if (region.innerHTML !== replacement.innerHTML) {
        region.innerHTML = replacement.innerHTML;
        localiseTimes(region);
        changed = true;
        if (region.hasAttribute("data-scroll-end")) region.scrollTop = region.scrollHeight;
        region.dispatchEvent(new CustomEvent("live:swapped", { bubbles: true }));
      }
    }
    const freshBadge = fresh.querySelector("[data-unread-badge]");
    if (freshBadge) setUnread(Number(freshBadge.textContent) || 0);
    if (changed && status) status.textContent = "Updated just now.";
    body.dataset.liveRefreshes = String(Number(body.dataset.liveRefreshes || 0) + 1);
  };
  const scheduleRefresh = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => refresh().catch(() => {}), 250);  // one fetch for a burst of events
  };

  const connect = async () => {
    let ticket = null;
    try {
      const response = await fetch(body.dataset.liveTicket, {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRF-Token": body.dataset.csrf, Accept: "application/json" },
      });
      if (response.status === 201) ticket = (await response.json()).ticket;
      else if (response.redirected) return;  // signed out elsewhere: nothing to listen to
    } catch (_) { /* offline: try again below */ }
    if (!ticket) { retry(); return; }
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const since = lastEventId === null ? "" : "&since=" + encodeURIComponent(lastEventId);
    const socket = new WebSocket(scheme + window.location.host + "/api/v1/realtime?ticket=" + encodeURIComponent(ticket) + since);
    socket.addEventListener("open", () => {
      delay = 1000;
      body.dataset.liveState = "open";
      if (connectedBefore) scheduleRefresh();  // catch up on anything the replay window no longer holds
      connectedBefore = true;
    });
    socket.addEventListener("message", (message) => {
      let frame;
      try { frame = JSON.parse(message.data); } catch (_) { return; }
      if (typeof frame.eventId === "number") lastEventId = Math.max(lastEventId || 0, frame.eventId);
      if (frame.type === "notification.created") {
        const element = badge();
        setUnread((element ? Number(element.textContent) || 0 : 0) + 1);
      }
      if (concernsPage(frame)) scheduleRefresh();
    });
    socket.addEventListener("close", () => { body.dataset.liveState = "closed"; retry(); });
    live.socket = socket;
  };
  const retry = () => {
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 30000);  // back off while the server is away
  };
  connect();
});

// A chat opens at its newest message.
document.addEventListener("DOMContentLoaded", () => {
  for (const element of document.querySelectorAll("[data-scroll-end]")) element.scrollTop = element.scrollHeight;
});
