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

// The browser's offset from UTC, so a due time typed in local time is stored as the moment the user meant.
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll("[data-utc-offset]")) {
    field.value = String(-new Date().getTimezoneOffset());
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
  for (const form of document.querySelectorAll("form[data-bid-form]")) {
    const recompute = () => {
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
    form.addEventListener("input", recompute);
    form.addEventListener("change", recompute);
    recompute();
  }
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
