// A broadcast's progress, live: reads /broadcasts/<id>/progress every two seconds while it is being sent.
"use strict";
(function () {
  const section = document.getElementById("progress");
  if (!section || section.dataset.live !== "yes") return;
  const bar = document.getElementById("progress-bar");
  let stopped = false;

  async function update() {
    if (stopped) return;
    try {
      const response = await fetch(section.dataset.url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const state = await response.json();
      for (const node of section.querySelectorAll("[data-count]")) {
        const value = state[node.dataset.count];
        if (value !== undefined) node.textContent = String(value);
      }
      const warning = document.getElementById("no-sender");
      if (warning) warning.hidden = state.sender_alive;
      bar.value = state.percent;
      bar.textContent = state.percent + " %";
      if (state.status === "done" || state.status === "cancelled") {
        stopped = true;
        window.location.reload(); // the final report
      }
    } catch (error) {
      // offline for a moment: try again at the next tick
    }
  }

  window.setInterval(update, 2000);
})();
