/* The story page (#/story/ID) and the brief (#/brief?since=30d&q=...).
 *
 * Loaded before app.js, whose helpers (el, svg, api, clear, safeUrl, day, status, basemap,
 * project, shapePath, fitView) these functions call when a route runs. Same safety rule as
 * app.js: data reaches the page only through textContent and setAttribute.
 */
"use strict";

const STATUS_LABELS = {"single-source": "single source", corroborated: "corroborated", contested: "contested"};
const STATUS_COLORS = {"single-source": "#718096", corroborated: "#2f855a", contested: "#c53030"};

function statusBadge(st) {
  return el("span", {class: "badge badge-" + st, "data-status": st, text: STATUS_LABELS[st] || st});
}

function when(iso) {
  return typeof iso === "string" ? iso.replace("T", " ").slice(0, 16) : "undated";
}

/** The quoted sentence with its trigger marked: one sentence may hold two claims (one
 * asserted, one denied), and the mark says which word this one is about. */
function quoteWithTrigger(c) {
  const q = el("q", {class: "claim-quote"});
  const text = c.quote || c.trigger || "";
  // the brief's citations carry their mark in the (maybe cut) quote; a story's claims, offsets
  const [a, b] = Array.isArray(c.mark) ? c.mark : [c.start - c.quote_start, c.end - c.quote_start];
  if (c.quote && Number.isInteger(a) && Number.isInteger(b) && 0 <= a && a < b && b <= text.length) {
    q.appendChild(document.createTextNode(text.slice(0, a)));
    q.appendChild(el("mark", {class: "claim-trigger", text: text.slice(a, b)}));
    q.appendChild(document.createTextNode(text.slice(b)));
  } else {
    q.textContent = text;
  }
  return q;
}

/** One citation: who said it, the quoted span, outlet, time, the article (span in view). */
function claimItem(c) {
  const focus = Number.isInteger(c.start) ? `?focus=event-${c.start}` : "";
  const li = el("li", {class: "claim", "data-article": c.article_id});
  if (c.source) li.appendChild(el("span", {class: "claim-source", text: c.source + ": "}));
  li.appendChild(quoteWithTrigger(c));
  li.appendChild(document.createTextNode(" — "));
  li.appendChild(el("a", {href: `#/article/${encodeURIComponent(c.article_id)}${focus}`, class: "claim-link"},
                    `${c.outlet || "unknown outlet"}, ${when(c.published)}`));
  const url = safeUrl(c.url);
  if (url) {
    li.appendChild(document.createTextNode(" · "));
    li.appendChild(el("a", {href: url, rel: "noopener noreferrer nofollow", target: "_blank", text: "original"}));
  }
  if (c.factuality && c.factuality !== "asserted") li.appendChild(el("span", {class: "muted", text: ` (${c.factuality})`}));
  return li;
}

/** Under an article's headline: the story it belongs to (after `newsdesk link`). */
async function storyLine(articleId, head) {
  let info;
  try {
    info = await api(`articles/${encodeURIComponent(articleId)}/story`);
  } catch (e) {
    return;  // no link tables yet, or the article went away: nothing to show
  }
  const s = info.story;
  if (!s || !head.isConnected) return;
  const n = (s.outlets || []).length;
  head.appendChild(el("p", {class: "story-line", id: "article-story"}, "Part of a story told by ",
    `${n} outlet${n === 1 ? "" : "s"} in ${s.article_count} article${s.article_count === 1 ? "" : "s"}: `,
    el("a", {href: "#/story/" + encodeURIComponent(s.id), text: s.label || "open the story"}),
    info.duplicate_of ? " (this article is a copy of an earlier one)" : ""));
}

// ---------------------------------------------------------------- story page
async function showStory(id, gen) {
  const box = clear($("view-story"));
  status("Loading story…");
  let s;
  try {
    s = await api("stories/" + encodeURIComponent(id));
  } catch (e) {
    box.appendChild(el("h2", {text: e.status === 404 ? "No such story" : "Could not load the story"}));
    box.appendChild(el("p", {text: e.message}));
    status("");
    return;
  }
  if (gen !== routeGen) return;
  status("");
  const fams = s.families || [];
  const headline = (fams[0] && fams[0].article.title) || s.label || "(untitled story)";
  document.title = headline + " — newsdesk";
  box.appendChild(el("p", {}, el("a", {href: "#/brief", text: "← Brief"})));
  box.appendChild(el("h2", {id: "story-title", class: "story-title", tabindex: -1, text: headline}));
  box.appendChild(el("p", {class: "story-label muted", text: s.label || ""}));
  const outlets = s.independent_outlets || s.outlets || [];
  box.appendChild(el("p", {class: "story-meta", id: "story-meta"},
    `${outlets.length} independent outlet${outlets.length === 1 ? "" : "s"} (${outlets.join(", ")}) · ` +
    `${s.article_count} article${s.article_count === 1 ? "" : "s"} · first report ${when(s.first_seen)} · ` +
    `latest ${when(s.last_seen)}`));

  const grid = el("div", {class: "story-grid"});
  const main = el("section", {class: "story-incidents", "aria-labelledby": "incidents-h"});
  main.appendChild(el("h3", {id: "incidents-h", text: `Incidents (${s.incidents.length})`}));
  const list = el("ol", {id: "incidents", class: "incident-list"});
  for (const inc of s.incidents) list.appendChild(incidentRow(inc));
  main.appendChild(list);
  const side = el("aside", {class: "story-side"});
  side.appendChild(el("h3", {text: "Timeline across outlets"}));
  side.appendChild(storyTimeline(s));
  side.appendChild(el("h3", {text: "Map of the incidents"}));
  const mapBox = el("div", {id: "story-map", class: "map story-map"});
  side.appendChild(mapBox);
  side.appendChild(el("h3", {text: `Articles (${fams.length} after folding copies)`}));
  const arts = el("ol", {id: "story-articles", class: "story-articles"});
  for (const f of fams) arts.appendChild(familyRow(f));
  side.appendChild(arts);
  grid.append(main, side);
  box.appendChild(grid);
  await storyMap(mapBox, s.incidents, gen);
  window.scrollTo(0, 0);
  $("story-title").focus();
}

function incidentRow(inc) {
  const li = el("li", {class: "incident", "data-status": inc.status, "data-incident": inc.id});
  li.appendChild(el("div", {class: "incident-head"}, statusBadge(inc.status), " ",
                    el("span", {class: "incident-type", text: inc.type}), " ",
                    el("span", {class: "incident-sentence", text: inc.sentence || ""})));
  li.appendChild(el("p", {class: "muted incident-why",
                          text: `${inc.why} · outlets: ${(inc.outlets || []).join(", ")}`}));
  const claims = el("ul", {class: "claims"});
  for (const c of inc.claims || []) claims.appendChild(claimItem(c));
  li.appendChild(claims);
  return li;
}

function familyRow(f) {
  const a = f.article;
  const li = el("li", {class: "family", "data-article": a.id});
  li.appendChild(el("a", {href: "#/article/" + encodeURIComponent(a.id), text: a.title || "(untitled)"}));
  li.appendChild(el("span", {class: "muted", text: ` · ${a.outlet || "?"} · ${when(a.published)}`}));
  if (f.copies.length) {
    const n = f.also_carried_by.length || f.copies.length;
    li.appendChild(el("span", {class: "also", title: f.copies.map((c) => `${c.outlet || "?"} ${when(c.published)}`).join("; "),
                               text: ` · also carried by ${n} outlet${n === 1 ? "" : "s"}` +
                                     (f.also_carried_by.length ? ` (${f.also_carried_by.join(", ")})` : "")}));
  }
  return li;
}

/** One row per outlet, a dot per article at its publication time (copies hollow). */
function storyTimeline(s) {
  const arts = (s.articles || []).filter((a) => a.published);
  const rows = [...new Set(arts.map((a) => a.outlet || "?"))];
  const W = 400, left = 130, rowH = 22, H = rows.length * rowH + 24;
  const root = svg("svg", {class: "story-timeline", id: "story-timeline", viewBox: `0 0 ${W} ${H}`, role: "img",
                           "aria-label": `Timeline: ${arts.length} dated articles from ${rows.length} outlets`});
  if (!arts.length) return el("p", {class: "muted", text: "No dated articles."});
  const ts = arts.map((a) => Date.parse(a.published));
  const t0 = Math.min(...ts), t1 = Math.max(...ts), span = Math.max(1, t1 - t0);
  const x = (t) => left + 8 + (W - left - 20) * (t - t0) / span;
  rows.forEach((o, i) => {
    root.appendChild(svg("text", {x: left - 4, y: i * rowH + 15, "text-anchor": "end", class: "tl-outlet", text: o}));
    root.appendChild(svg("line", {x1: left, x2: W - 4, y1: i * rowH + 11, y2: i * rowH + 11, class: "tl-row"}));
  });
  arts.forEach((a, k) => {
    const i = rows.indexOf(a.outlet || "?");
    const dot = svg("circle", {cx: x(ts[k]).toFixed(1), cy: i * rowH + 11, r: 5,
                               class: a.duplicate_of ? "tl-dot tl-copy" : "tl-dot"},
                    svg("title", {text: `${a.outlet || "?"}, ${when(a.published)}: ${a.title || ""}` +
                                        (a.duplicate_of ? " (copy)" : "")}));
    root.appendChild(dot);
  });
  root.appendChild(svg("text", {x: left, y: H - 4, class: "tl-axis", text: when(new Date(t0).toISOString())}));
  root.appendChild(svg("text", {x: W - 4, y: H - 4, "text-anchor": "end", class: "tl-axis",
                                text: when(new Date(t1).toISOString())}));
  return root;
}

/** The incidents' places: a dot per located incident, coloured by status. */
async function storyMap(box, incidents, gen) {
  const world = await basemap();
  if (gen !== routeGen) return;
  const MAPW = 360, MAPH = 180;
  const root = svg("svg", {class: "map-svg", viewBox: `0 0 ${MAPW} ${MAPH}`, role: "group",
                           preserveAspectRatio: "xMidYMid meet"});
  root.appendChild(svg("rect", {class: "sea", x: -360, y: -180, width: 3 * MAPW, height: 3 * MAPH}));
  const land = svg("g", {class: "land"});
  for (const f of world.features || []) land.appendChild(svg("path", {d: shapePath(f.geometry)}));
  root.appendChild(land);
  // As on the start page: a country is its shaded shape, a region is not drawn, finer places are dots.
  const groups = new Map();
  for (const inc of incidents) {
    const p = inc.summary && inc.summary.place;
    if (!p || p.lat === null || p.lat === undefined || p.precision === "region") continue;
    const shape = p.precision === "country" ? countryAt(world, p.lon, p.lat) : null;
    const key = shape ? "country:" + p.name : p.lat.toFixed(2) + "," + p.lon.toFixed(2);
    if (!groups.has(key)) groups.set(key, {lat: p.lat, lon: p.lon, name: p.name, shape, precision: p.precision, incidents: []});
    groups.get(key).incidents.push(inc);
  }
  const view = fitView([...groups.values()]);
  const k = view[2] / MAPW;
  root.setAttribute("viewBox", view.map((n) => n.toFixed(2)).join(" "));
  land.setAttribute("stroke-width", (0.25 * k).toFixed(3));
  const rank = {contested: 0, corroborated: 1, "single-source": 2};
  const ordered = [...groups.values()].sort((a, b) => (b.shape ? 1 : 0) - (a.shape ? 1 : 0));  // areas below dots
  for (const g of ordered) {
    const worst = g.incidents.map((i) => i.status).sort((a, b) => rank[a] - rank[b])[0];
    const [cx, cy] = project(g.lon, g.lat);
    const label = `${g.name}: ${g.incidents.length} incident${g.incidents.length > 1 ? "s" : ""} — ` +
      g.incidents.map((i) => `${i.type} (${i.status})`).join("; ");
    const c = g.shape
      ? svg("path", {d: shapePath(g.shape.geometry), class: "story-area", fill: STATUS_COLORS[worst],
                     "stroke-width": (0.5 * k).toFixed(3), "data-status": worst, "data-precision": "country", tabindex: 0,
                     "aria-label": label}, svg("title", {text: label}))
      : svg("circle", {cx, cy, r: (4 + 1.5 * Math.sqrt(g.incidents.length - 1)) * k, class: "story-marker",
                       fill: STATUS_COLORS[worst], "data-status": worst, "data-precision": g.precision || "point",
                       tabindex: 0, "aria-label": label}, svg("title", {text: label}));
    const first = g.incidents[0].id;
    const open = () => {
      const row = document.querySelector(`[data-incident="${CSS.escape(first)}"]`);
      if (row) { row.scrollIntoView({block: "center"}); row.classList.add("flash"); }
    };
    c.addEventListener("click", open);
    c.addEventListener("keydown", (ev) => { if (ev.key === "Enter") open(); });
    root.appendChild(c);
  }
  root.setAttribute("aria-label", `Map of ${groups.size} incident places`);
  box.appendChild(root);
  if (!groups.size) box.appendChild(el("p", {class: "muted", text: "No incident has a located place."}));
}

// ---------------------------------------------------------------- brief
const BRIEF_PERIODS = [["24h", "last 24 hours"], ["7d", "last 7 days"], ["30d", "last 30 days"], ["365d", "last year"]];

async function showBrief(params, gen) {
  const since = params.get("since") || "30d";
  const q = params.get("q") || "";
  const until = params.get("until") || "";
  const box = clear($("view-brief"));
  document.title = "Brief — newsdesk";
  const form = el("form", {id: "brief-form", class: "brief-form"});
  const sel = el("select", {id: "brief-since", name: "since", "aria-label": "Period"});
  for (const [v, label] of BRIEF_PERIODS) sel.appendChild(el("option", {value: v, selected: v === since, text: label}));
  if (!BRIEF_PERIODS.some(([v]) => v === since)) sel.appendChild(el("option", {value: since, selected: true, text: "since " + since}));
  const qIn = el("input", {id: "brief-q", name: "q", type: "search", value: q, placeholder: "words of the story", maxlength: 200});
  const untilIn = el("input", {id: "brief-until", name: "until", type: "date", value: until.slice(0, 10), "aria-label": "Until"});
  form.append(el("label", {}, "Period ", sel), " ", el("label", {}, "ending ", untilIn), " ",
              el("label", {}, "Story ", qIn), " ", el("button", {type: "submit", text: "Show"}), " ",
              el("button", {type: "button", class: "link-button", onclick: () => window.print(), text: "Print"}));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams({since: sel.value});
    if (qIn.value.trim()) p.set("q", qIn.value.trim());
    if (untilIn.value) p.set("until", untilIn.value);
    go("#/brief?" + p);
  });
  box.appendChild(el("h2", {id: "brief-title", tabindex: -1, text: "Brief"}));
  box.appendChild(form);
  status("Loading the brief…");
  let b;
  try {
    b = await api("brief", {since, q, until, limit: 50});
  } catch (e) {
    status("Could not load the brief: " + e.message);
    return;
  }
  if (gen !== routeGen) return;
  status("");
  box.appendChild(el("p", {class: "muted", id: "brief-meta",
    text: `${b.stories.length} stor${b.stories.length === 1 ? "y" : "ies"} since ${when(b.since)}` +
          (b.until ? ` until ${when(b.until)}` : "") + ", ranked by independent outlets and incidents."}));
  const list = el("ol", {id: "brief-stories", class: "brief-stories"});
  for (const s of b.stories) list.appendChild(briefStory(s));
  box.appendChild(list);
}

function briefStory(s) {
  const li = el("li", {class: "brief-story", "data-story": s.story_id});
  li.appendChild(el("h3", {class: "brief-story-title"},
                    el("a", {href: "#/story/" + encodeURIComponent(s.story_id), text: s.label || s.story_id})));
  li.appendChild(el("p", {class: "muted", text: `${s.outlets.length} outlet${s.outlets.length === 1 ? "" : "s"} ` +
    `(${s.outlets.join(", ")}) · ${s.article_count} articles · ${s.incident_count} incidents · ` +
    `${when(s.first_seen)} – ${when(s.last_seen)}`}));
  for (const f of s.facts) {
    const div = el("div", {class: "brief-fact", "data-status": f.status});
    div.appendChild(el("p", {}, el("span", {class: "fact-sentence", text: f.sentence}), " ", statusBadge(f.status),
                         el("span", {class: "muted", text: ` ${f.why || ""}`})));
    if (f.sides) {
      for (const side of f.sides) {
        div.appendChild(el("p", {class: "side", text: side.side + ":"}));
        const ul = el("ul", {class: "claims"});
        side.citations.forEach((c) => ul.appendChild(claimItem(c)));
        div.appendChild(ul);
      }
    } else {
      const ul = el("ul", {class: "claims"});
      f.citations.forEach((c) => ul.appendChild(claimItem(c)));
      div.appendChild(ul);
    }
    li.appendChild(div);
  }
  return li;
}
