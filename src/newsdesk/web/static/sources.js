// Watched sources and their health (GET /api/sources), shown when there are any.
(function () {
  "use strict";
  const panel = document.getElementById("sources-panel");
  const list = document.getElementById("sources");
  if (!panel || !list) return;
  function when(iso) { return iso ? iso.replace("T", " ").replace(/\+00:00$/, " UTC") : "never"; }
  fetch("/api/sources", {headers: {Accept: "application/json"}})
    .then((r) => (r.ok ? r.json() : []))
    .then((rows) => {
      if (!Array.isArray(rows) || !rows.length) return;
      for (const s of rows) {
        const li = document.createElement("li");
        li.className = s.healthy ? "source ok" : "source failing";
        const name = document.createElement("span");
        name.className = "source-url";
        name.textContent = s.url;
        const state = document.createElement("span");
        state.className = "source-state";
        state.textContent = (s.healthy ? "ok" : s.errors ? `${s.errors} errors` : "not fetched yet") +
          ` · ${s.articles} articles · last success ${when(s.last_success)}` +
          (s.found.length ? ` · ${s.found.length} feeds and sitemaps` : "");
        li.append(name, " ", state);
        if (s.last_error) {
          const err = document.createElement("div");
          err.className = "source-error";
          err.textContent = `last error: ${s.last_error}`;
          li.append(err);
        }
        list.append(li);
      }
      panel.hidden = false;
    })
    .catch(() => {});
})();
