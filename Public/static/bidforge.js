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
