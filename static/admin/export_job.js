// An export's progress page: poll the job's JSON status and show the file when it is ready, without
// a reload. Loaded as a file (the CSP forbids inline scripts); without JavaScript a <noscript>
// refresh reloads the page instead.
"use strict";
(() => {
  const box = document.querySelector(".export-job[data-status-url]");
  if (!box) return;
  const byId = (id) => document.getElementById(id);
  const active = (status) => status === "queued" || status === "running";

  const show = (job) => {
    byId("job-status").textContent = job.status_label;
    byId("job-progress").value = job.progress;
    byId("job-progress").textContent = `${job.progress}%`;
    byId("job-percent").textContent = `${job.progress}%`;
    byId("job-message").textContent = job.message || "";
    byId("job-waiting").hidden = !active(job.status);
    if (job.status === "done" && job.download_url) byId("job-download").href = job.download_url;
    byId("job-ready").hidden = job.status !== "done";
    byId("job-failed").hidden = job.status !== "failed";
    box.dataset.status = job.status;
  };

  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.ok) {
        const job = await response.json();
        show(job);
        if (!active(job.status)) return;
      }
    } catch (error) {
      // The server may be restarting: try again at the next tick.
    }
    window.setTimeout(poll, 1000);
  };

  if (active(box.dataset.status)) window.setTimeout(poll, 500);
})();
