/* newsdesk web page: plain JavaScript, no dependencies, works offline.
 *
 * Safety rule: every piece of data reaches the page through textContent or an attribute
 * set with setAttribute on an element made with createElement. Nothing here assigns
 * innerHTML, and links to articles are kept only when they are http(s).
 */
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const FACETS = [["outlet", "Outlet"], ["event_type", "Event type"], ["factuality", "Factuality"]];
const FILTER_KEYS = ["q", "outlet", "event_type", "factuality", "entity", "place", "source", "since", "until"];
const PAGE_SIZE = 20;
// Events and statements below this confidence are hidden unless "show low-confidence" is on.
const LOW_CONFIDENCE = 0.5;
const EVENT_PAGE = 50;
// One colour per PLOVER type (fixed, so a type keeps its colour across views).
const TYPE_COLORS = {
  AGREE: "#2f855a", CONSULT: "#3182ce", SUPPORT: "#38a169", CONCEDE: "#81e6d9",
  COOPERATE: "#4299e1", AID: "#68d391", RETREAT: "#a0aec0", REQUEST: "#90cdf4",
  ACCUSE: "#ed8936", REJECT: "#dd6b20", THREATEN: "#e53e3e", PROTEST: "#d69e2e",
  SANCTION: "#805ad5", MOBILIZE: "#b83280", COERCE: "#9b2c2c", ASSAULT: "#742a2a",
};
const LAYERS = [
  ["entity", "Entities"], ["place", "Places"], ["time", "Times"], ["source", "Statement sources"],
  ["cue", "Cues"], ["content", "Statement content"], ["event", "Event triggers"],
];

const state = {
  filters: {},          // the search filters (FILTER_KEYS)
  offset: 0,            // article results page
  days: null,           // [from, to] picked on the timeline (ISO dates), filters the events
  eventOffset: 0,
  timeline: [],
  world: null,          // basemap GeoJSON
  showLow: false,       // show events and statements below LOW_CONFIDENCE
};

// ---------------------------------------------------------------- DOM helpers
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVGNS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.setAttribute("class", v);
    else if (k === "text") node.textContent = String(v);
    else if (k === "style") Object.assign(node.style, v);  // CSSOM: allowed by the page's CSP
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
}

function append(node, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

const $ = (id) => document.getElementById(id);

/** The URL if it is http(s), else null: no javascript:, data: or relative links from data. */
function safeUrl(url) {
  if (typeof url !== "string") return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch (e) {
    return null;
  }
}

function day(iso) {
  return typeof iso === "string" ? iso.slice(0, 10) : "";
}

function status(msg) {
  $("status").textContent = msg || "";
}

// ---------------------------------------------------------------- API
async function api(path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== "") qs.set(k, v);
  }
  const url = "/api/" + path + (qs.toString() ? "?" + qs : "");
  const res = await fetch(url, {headers: {Accept: "application/json"}});
  if (!res.ok) {
    let detail = res.statusText;
    try {
      const body = await res.json();
      detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    } catch (e) { /* not JSON */ }
    const err = new Error(detail);
    err.status = res.status;
    throw err;
  }
  return res.json();
}

function filterParams(extra) {
  const p = {};
  for (const k of FILTER_KEYS) if (state.filters[k]) p[k] = state.filters[k];
  if (!state.showLow) p.min_confidence = LOW_CONFIDENCE;
  return Object.assign(p, extra || {});
}

/** False for a record the page hides: below LOW_CONFIDENCE while low ones are hidden. */
function trusted(r) {
  return state.showLow || r.confidence === null || r.confidence === undefined || r.confidence >= LOW_CONFIDENCE;
}

function confidenceText(r) {
  return r.confidence === null || r.confidence === undefined ? "unscored" : `confidence ${(+r.confidence).toFixed(2)}`;
}

/** The day an event is placed on the timeline (as the store does): its own date when its
 * TIMEX3 value is a full date, else the article's publication day. */
function eventDay(e) {
  return /^\d{4}-\d\d-\d\d/.test(e.time || "") ? e.time.slice(0, 10) : day(e.published);
}

function inDays(e) {
  if (!state.days) return true;
  const d = eventDay(e);
  return d >= state.days[0] && d <= state.days[1];
}

const DAY_SCAN = 2000;  // events read, at most, to pick those of the chosen days

// ---------------------------------------------------------------- routing
function parseHash() {
  const h = location.hash.replace(/^#\/?/, "");
  const [path, query] = h.split("?");
  const params = new URLSearchParams(query || "");
  if (path.startsWith("article/")) {
    return {view: "article", id: decodeURIComponent(path.slice(8)), focus: params.get("focus")};
  }
  if (path.startsWith("story/")) return {view: "story", id: decodeURIComponent(path.slice(6))};
  if (path === "brief") return {view: "brief", params};
  const filters = {};
  for (const k of FILTER_KEYS) if (params.get(k)) filters[k] = params.get(k);
  const days = params.get("days");
  return {
    view: "search", filters, offset: Math.max(0, parseInt(params.get("offset") || "0", 10) || 0),
    days: days && /^\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d$/.test(days) ? days.split("..") : null,
    low: params.get("low") === "1",
  };
}

function searchHash(filters, offset, days) {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (filters[k]) p.set(k, filters[k]);
  if (offset) p.set("offset", offset);
  if (days) p.set("days", days.join(".."));
  if (state.showLow) p.set("low", "1");
  const qs = p.toString();
  return "#/" + (qs ? "?" + qs : "");
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function setFilters(changes) {
  const filters = Object.assign({}, state.filters, changes);
  for (const k of Object.keys(filters)) if (!filters[k]) delete filters[k];
  go(searchHash(filters, 0, null));
}

let lastSearchHash = "#/";
let routeGen = 0;  // answers to an older route (the user moved on) are dropped

async function route() {
  const r = parseHash();
  const gen = ++routeGen;
  for (const v of ["story", "brief"]) $("view-" + v).hidden = r.view !== v;
  if (r.view === "story" || r.view === "brief") {  // stories.js
    $("view-search").hidden = true;
    $("view-article").hidden = true;
    await (r.view === "story" ? showStory(r.id, gen) : showBrief(r.params, gen));
    return;
  }
  if (r.view === "article") {
    $("view-search").hidden = true;
    $("view-article").hidden = false;
    await showArticle(r.id, r.focus);
    return;
  }
  lastSearchHash = location.hash || "#/";
  $("view-article").hidden = true;
  $("view-search").hidden = false;
  const same = JSON.stringify(r.filters) === JSON.stringify(state.filters) && r.low === state.showLow;
  state.filters = r.filters;
  state.showLow = r.low;
  $("show-low").checked = state.showLow;
  state.offset = r.offset;
  state.days = r.days;
  state.eventOffset = 0;
  $("q").value = state.filters.q || "";
  renderChips();
  document.title = state.filters.q ? `${state.filters.q} — newsdesk` : "newsdesk";
  status("Loading…");
  try {
    await Promise.all([loadArticles(gen), same && state.timelineLoaded ? renderTimeline() : loadTimeline(gen),
                       loadEvents(gen), loadMap(gen)]);
    if (gen === routeGen) status("");
  } catch (e) {
    if (gen === routeGen) status("Could not load: " + e.message);
  }
}

// ---------------------------------------------------------------- search view
function renderChips() {
  const box = clear($("chips"));
  const labels = {q: "text", event_type: "type", factuality: "factuality", outlet: "outlet",
                  entity: "entity", place: "place", source: "source", since: "since", until: "until"};
  for (const k of FILTER_KEYS) {
    if (!state.filters[k]) continue;
    box.appendChild(el("button", {
      type: "button", class: "chip", title: "Remove this filter",
      "aria-label": `Remove filter ${labels[k]}: ${state.filters[k]}`,
      onclick: () => setFilters({[k]: null}),
    }, `${labels[k]}: ${state.filters[k]} `, el("span", {"aria-hidden": "true", text: "✕"})));
  }
  if (state.days) {
    box.appendChild(el("button", {
      type: "button", class: "chip chip-days", "aria-label": "Remove the day filter of the events",
      onclick: () => go(searchHash(state.filters, state.offset, null)),
    }, `events: ${state.days[0] === state.days[1] ? state.days[0] : state.days.join(" – ")} `,
    el("span", {"aria-hidden": "true", text: "✕"})));
  }
}

async function loadArticles(gen = routeGen) {
  const data = await api("articles", filterParams({limit: PAGE_SIZE, offset: state.offset, facets: 1}));
  if (gen !== routeGen) return;
  renderFacets(data.facets || {});
  const list = clear($("results"));
  $("results-count").textContent = data.total ? `(${data.total})` : "";
  if (!data.items.length) {
    list.appendChild(el("li", {class: "empty", text: data.total ? "No more results." : "No article matches."}));
  }
  data.items.forEach((a, i) => list.appendChild(resultItem(a, data.offset + i + 1)));
  renderPager($("pager"), data, (offset) => go(searchHash(state.filters, offset, state.days)));
}

function resultItem(a) {
  const meta = [a.outlet, day(a.published)].filter(Boolean).join(" · ");
  const link = el("a", {href: "#/article/" + encodeURIComponent(a.id), class: "result-title"},
                  a.title || "(untitled)");
  return el("li", {class: "result"},
    link,
    meta ? el("div", {class: "meta", text: meta}) : null,
    a.snippet || a.snippet_html ? snippet(a) : null);
}

/** A snippet with the matched words marked. The store gives snippet_html: HTML-escaped text
 * whose only tags are <mark>; it is split on those tags and unescaped here, never parsed as
 * HTML. Without it, the plain snippet's [brackets] are the marks. */
function snippet(a) {
  const p = el("p", {class: "snippet"});
  if (typeof a.snippet_html === "string") {
    const unescape = (t) => t.replace(/&(lt|gt|quot|#x27|#39|amp);/g, (m, e) =>
      ({lt: "<", gt: ">", quot: '"', "#x27": "'", "#39": "'", amp: "&"})[e]);
    a.snippet_html.split(/(<mark>.*?<\/mark>)/).forEach((part) => {
      const m = /^<mark>(.*)<\/mark>$/.exec(part);
      if (m) p.appendChild(el("mark", {text: unescape(m[1])}));
      else if (part) p.appendChild(document.createTextNode(unescape(part)));
    });
    return p;
  }
  const text = String(a.snippet);
  const re = /\[([^\[\]]{1,80})\]/g;
  let last = 0;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m.index > last) p.appendChild(document.createTextNode(text.slice(last, m.index)));
    p.appendChild(el("mark", {text: m[1]}));
    last = re.lastIndex;
  }
  if (last < text.length) p.appendChild(document.createTextNode(text.slice(last)));
  return p;
}

function renderPager(nav, page, onPage) {
  clear(nav);
  if (page.total <= page.limit && page.offset === 0) return;
  const from = page.total ? page.offset + 1 : 0;
  const to = Math.min(page.offset + page.limit, page.total);
  nav.appendChild(el("button", {
    type: "button", disabled: page.offset === 0, onclick: () => onPage(Math.max(0, page.offset - page.limit)),
  }, "‹ Previous"));
  nav.appendChild(el("span", {class: "muted", text: ` ${from}–${to} of ${page.total} `}));
  nav.appendChild(el("button", {
    type: "button", disabled: to >= page.total, onclick: () => onPage(page.offset + page.limit),
  }, "Next ›"));
}

function renderFacets(facets) {
  const box = clear($("facets"));
  for (const [key, label] of FACETS) {
    const values = facets[key] || [];
    const group = el("section", {class: "facet", "aria-label": label}, el("h3", {text: label}));
    const list = el("ul");
    if (!values.length) list.appendChild(el("li", {class: "muted", text: "none"}));
    for (const v of values) {
      if (v.value === null || v.value === undefined) continue;
      const active = state.filters[key] === v.value;
      list.appendChild(el("li", {}, el("button", {
        type: "button", class: "facet-value" + (active ? " active" : ""), "aria-pressed": active ? "true" : "false",
        onclick: () => setFilters({[key]: active ? null : v.value}),
      }, key === "event_type" ? el("span", {class: "swatch", style: {background: TYPE_COLORS[v.value] || "#718096"}}) : null,
         el("span", {class: "facet-name", text: v.value}),
         // Counts over very many matches are estimated from a sample (facets.is_estimate).
         el("span", {class: "count", text: (facets.is_estimate ? "≈" : "") + v.count,
                     title: facets.is_estimate ? "estimated from a sample of the matches" : null}))));
    }
    group.appendChild(list);
    box.appendChild(group);
  }
}

// ---------------------------------------------------------------- events list
async function loadEvents(gen = routeGen) {
  let data;
  if (state.days) {
    // Timeline days are event days, not publication days: pick them here.
    const picked = [];
    for (let offset = 0; offset < DAY_SCAN; offset += 200) {
      const page = await api("events", filterParams({limit: 200, offset}));
      picked.push(...page.items.filter(inDays));
      if (offset + 200 >= page.total) break;
    }
    data = {total: picked.length, limit: EVENT_PAGE, offset: state.eventOffset,
            items: picked.slice(state.eventOffset, state.eventOffset + EVENT_PAGE)};
  } else {
    data = await api("events", filterParams({limit: EVENT_PAGE, offset: state.eventOffset}));
  }
  if (gen !== routeGen) return;
  const list = clear($("events"));
  $("events-count").textContent = `(${data.total})`;
  if (!data.items.length) list.appendChild(el("li", {class: "empty", text: "No event matches."}));
  for (const e of data.items) list.appendChild(eventItem(e));
  renderPager($("events-pager"), data, (offset) => { state.eventOffset = offset; loadEvents(); });
}

function eventLine(e) {
  const who = (e.actors || []).join(", ") || "?";
  const whom = (e.targets || []).length ? " → " + e.targets.join(", ") : "";
  return who + whom;
}

function eventItem(e) {
  const color = TYPE_COLORS[e.type] || "#718096";
  const where = [e.place, e.time].filter(Boolean).join(", ");
  const href = `#/article/${encodeURIComponent(e.article_id)}?focus=event-${e.start}`;
  return el("li", {class: "event" + ((e.confidence ?? 1) < LOW_CONFIDENCE ? " low-confidence" : "")},
    el("a", {href, class: "event-link"},
      el("span", {class: "type-badge", style: {background: color}, text: e.type}),
      " ", el("span", {class: "fact fact-" + e.factuality, text: e.factuality}),
      " ", el("span", {class: "who", text: eventLine(e)}),
      el("span", {class: "trigger", text: ` “${e.trigger}”`})),
    el("div", {class: "meta"},
      [where, e.attributed_to ? "per " + e.attributed_to : "", day(e.published), e.outlet,
       e.method === "classifier" ? "typed by the classifier" : "", confidenceText(e)].filter(Boolean).join(" · ")));
}

// ---------------------------------------------------------------- timeline
async function loadTimeline(gen = routeGen) {
  // The timeline shows all matching events; the picked days only narrow list and map.
  const rows = await api("timeline", filterParams());
  if (gen !== routeGen) return;
  state.timeline = rows;
  state.timelineLoaded = true;
  renderTimeline();
}

function addDays(iso, n) {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function dayRange(from, to) {
  const out = [];
  for (let d = from; d <= to && out.length < 3660; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Bins of the timeline: days for up to 120 days (at least 14 shown), then weeks, then months. */
function timelineBins(first, last) {
  const span = Math.round((Date.parse(last) - Date.parse(first)) / 86400000) + 1;
  if (span <= 120) {
    const pad = Math.max(0, 14 - span);
    const days = dayRange(addDays(first, -Math.floor(pad / 2)), addDays(last, Math.ceil(pad / 2)));
    return {unit: "day", bins: days.map((d) => ({from: d, to: d}))};
  }
  const bins = [];
  if (span <= 3 * 365) {
    const dow = (new Date(first + "T00:00:00Z").getUTCDay() + 6) % 7;  // Monday = 0
    for (let d = addDays(first, -dow); d <= last; d = addDays(d, 7)) bins.push({from: d, to: addDays(d, 6)});
    return {unit: "week", bins};
  }
  for (let d = first.slice(0, 8) + "01"; d <= last;) {
    const next = addMonths(d, 1);
    bins.push({from: d, to: addDays(next, -1)});
    d = next;
  }
  return {unit: "month", bins};
}

function addMonths(iso, n) {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
}

function renderTimeline() {
  const box = clear($("timeline"));
  const legend = clear($("timeline-legend"));
  const rows = state.timeline.filter((r) => /^\d{4}-\d\d-\d\d/.test(r.date || ""));
  if (!rows.length) {
    box.appendChild(el("p", {class: "muted", text: "No dated events."}));
    return;
  }
  const dates = rows.map((r) => r.date.slice(0, 10)).sort();
  const {unit, bins} = timelineBins(dates[0], dates[dates.length - 1]);
  const types = new Set();
  for (const b of bins) b.counts = new Map();
  let k = 0;
  for (const r of rows.slice().sort((a, b) => a.date.localeCompare(b.date))) {
    const d = r.date.slice(0, 10);
    while (k < bins.length - 1 && d > bins[k].to) k++;
    const b = bins[k];
    b.counts.set(r.type, (b.counts.get(r.type) || 0) + r.count);
    types.add(r.type);
  }
  for (const b of bins) b.total = [...b.counts.values()].reduce((s, n) => s + n, 0);
  const max = Math.max(...bins.map((b) => b.total));
  const W = Math.max(box.clientWidth || 520, 200), H = 120, padB = 18, padT = 6;
  const bw = W / bins.length;
  const gap = Math.min(2, bw * 0.2);
  const root = svg("svg", {viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "timeline-svg",
                           role: "group", "aria-label": `Events per ${unit}`});
  const sel = state.days;
  if (sel) {
    const hit = bins.map((b, i) => (b.to >= sel[0] && b.from <= sel[1] ? i : -1)).filter((i) => i >= 0);
    if (hit.length) {
      root.appendChild(svg("rect", {class: "tl-selection", x: hit[0] * bw, y: 0,
                                    width: (hit[hit.length - 1] - hit[0] + 1) * bw, height: H - padB}));
    }
  }
  const binLabel = (b) => unit === "day" ? b.from : unit === "week" ? `week of ${b.from}` : b.from.slice(0, 7);
  bins.forEach((b, i) => {
    const entries = [...b.counts.entries()].sort((x, y) => x[0].localeCompare(y[0]));
    const picked = !sel || (b.to >= sel[0] && b.from <= sel[1]);
    const g = svg("g", {class: "tl-day" + (picked ? "" : " tl-dim"), "data-day": b.from});
    let y = H - padB;
    for (const [type, count] of entries) {
      const h = (count / max) * (H - padB - padT);
      y -= h;
      g.appendChild(svg("rect", {x: i * bw + gap / 2, y, width: Math.max(1, bw - gap), height: h,
                                 fill: TYPE_COLORS[type] || "#718096"}));
    }
    if (b.total) {
      const label = `${binLabel(b)}: ${b.total} event${b.total > 1 ? "s" : ""} (` +
        entries.map(([type, count]) => `${count} ${type}`).join(", ") + ")";
      // A hit area per bin with events: focusable, Enter or Space picks it.
      const hit = svg("rect", {x: i * bw, y: 0, width: bw, height: H - padB, class: "tl-hit", tabindex: 0,
                               role: "button", "aria-label": label, "data-day": b.from, "data-to": b.to});
      hit.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); pickDays(b.from, b.to); }
      });
      hit.appendChild(svg("title", {text: label}));
      g.appendChild(hit);
    }
    root.appendChild(g);
  });
  // Axis: first, last and a few bins between.
  const ticks = Math.min(bins.length, Math.max(2, Math.floor(W / 90)));
  for (let t = 0; t < ticks; t++) {
    const i = ticks === 1 ? 0 : Math.round(t * (bins.length - 1) / (ticks - 1));
    const anchor = t === 0 ? "start" : t === ticks - 1 ? "end" : "middle";
    const x = anchor === "start" ? i * bw : anchor === "end" ? (i + 1) * bw : (i + 0.5) * bw;
    const text = unit === "month" ? bins[i].from.slice(0, 7) : bins[i].from;
    root.appendChild(svg("text", {x, y: H - 4, "text-anchor": anchor, class: "tl-axis", text}));
  }
  // Brushing: press on a bin, drag, release; a click picks one bin.
  let start = null;
  let brush = null;
  const binAt = (ev) => {
    const rect = root.getBoundingClientRect();
    const x = (ev.clientX - rect.left) * (W / rect.width);
    return Math.min(bins.length - 1, Math.max(0, Math.floor(x / bw)));
  };
  root.addEventListener("pointerdown", (ev) => {
    start = binAt(ev);
    root.setPointerCapture(ev.pointerId);
    brush = svg("rect", {class: "tl-brush", y: 0, height: H - padB, x: start * bw, width: bw});
    root.appendChild(brush);
  });
  root.addEventListener("pointermove", (ev) => {
    if (start === null || !brush) return;
    const i = binAt(ev);
    brush.setAttribute("x", Math.min(start, i) * bw);
    brush.setAttribute("width", (Math.abs(i - start) + 1) * bw);
  });
  root.addEventListener("pointerup", (ev) => {
    if (start === null) return;
    const i = binAt(ev);
    const [a, b] = [Math.min(start, i), Math.max(start, i)];
    start = null;
    pickDays(bins[a].from, bins[b].to);
  });
  box.appendChild(root);
  for (const t of [...types].sort()) {
    legend.appendChild(el("span", {class: "legend-item"},
      el("span", {class: "swatch", style: {background: TYPE_COLORS[t] || "#718096"}}), t));
  }
}

function pickDays(a, b) {
  if (state.days && state.days[0] === a && state.days[1] === b) {
    go(searchHash(state.filters, state.offset, null));  // picking the same days again clears
  } else {
    go(searchHash(state.filters, state.offset, [a, b]));
  }
}

// ---------------------------------------------------------------- map
const MAP_W = 360, MAP_H = 180;

function project(lon, lat) {
  return [lon + 180, 90 - lat];  // equirectangular: one unit per degree
}

function ringPath(ring) {
  let d = "";
  ring.forEach(([lon, lat], i) => {
    const [x, y] = project(lon, lat);
    d += (i ? "L" : "M") + x.toFixed(2) + " " + y.toFixed(2);
  });
  return d + "Z";
}

function shapePath(geom) {
  if (!geom) return "";
  const polys = geom.type === "Polygon" ? [geom.coordinates] : geom.type === "MultiPolygon" ? geom.coordinates : [];
  return polys.map((rings) => rings.map(ringPath).join("")).join("");
}

async function basemap() {
  if (!state.world) {
    const res = await fetch("/static/countries-110m.geojson");
    state.world = res.ok ? await res.json() : {features: []};
  }
  return state.world;
}

let mapView = null;  // [x, y, w, h] of the current view box

/** Ray casting on one ring of [lon, lat] points. */
function inRing(lon, lat, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > lat) !== (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function shapeContains(geom, lon, lat) {
  if (!geom) return false;
  const polys = geom.type === "Polygon" ? [geom.coordinates] : geom.type === "MultiPolygon" ? geom.coordinates : [];
  // Shapes crossing the antimeridian are unwrapped (longitudes past ±180): try both sides.
  return [lon, lon + 360, lon - 360].some((x) => polys.some(
    (rings) => inRing(x, lat, rings[0]) && !rings.slice(1).some((hole) => inRing(x, lat, hole))));
}

/** The basemap country holding a point, or null. */
function countryAt(world, lon, lat) {
  return (world.features || []).find((f) => shapeContains(f.geometry, lon, lat)) || null;
}

function eventsLabel(place, events) {
  const n = events.length;
  return `${place}: ${n} event${n > 1 ? "s" : ""} — ` +
    events.slice(0, 4).map((e) => `${e.type} (${e.factuality}) ${eventLine(e)}`).join("; ") +
    (n > 4 ? `; and ${n - 4} more` : "");
}

/** Make a map shape open the group's first article, and show the group's tooltip. */
function mapTarget(node, label, first) {
  const open = () => go(`#/article/${encodeURIComponent(first.article_id)}?focus=event-${first.start}`);
  setAttrs(node, {tabindex: 0, role: "button", "aria-label": label + ". Press Enter to open the article.",
                  "data-article": first.article_id});
  node.appendChild(svg("title", {text: label}));
  node.addEventListener("click", open);
  node.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(); } });
  node.addEventListener("mouseenter", () => showTip(label, node));
  node.addEventListener("focus", () => showTip(label, node));
  node.addEventListener("mouseleave", () => showTip(null));
  node.addEventListener("blur", () => showTip(null));
}

const DIVISION_RADIUS = 1.5;  // degrees: a division is drawn as an area of about this radius

/** The map does not mislead: a country is its shaded shape, a first-level division a shaded
 * disc around its point (no division shapes ship with the page), a city or finer place a dot,
 * and a region or union (no point of its own) is not drawn. */
async function loadMap(gen = routeGen) {
  const [world, fc] = await Promise.all([basemap(), api("events.geojson", filterParams({limit: DAY_SCAN}))]);
  if (gen !== routeGen) return;
  fc.features = fc.features.filter((f) => inDays(f.properties));
  const box = clear($("map"));
  const root = svg("svg", {class: "map-svg", viewBox: `0 0 ${MAP_W} ${MAP_H}`, role: "group",
                           preserveAspectRatio: "xMidYMid meet"});
  root.appendChild(svg("rect", {class: "sea", x: -360, y: -180, width: 3 * MAP_W, height: 3 * MAP_H}));
  const land = svg("g", {class: "land"});
  for (const f of world.features || []) {
    land.appendChild(svg("path", {d: shapePath(f.geometry)},
                         svg("title", {text: (f.properties && f.properties.name) || ""})));
  }
  root.appendChild(land);
  const countries = new Map(), divisions = new Map(), points = new Map();
  let regions = 0;
  for (const f of fc.features) {
    const [lon, lat] = f.geometry.coordinates;
    const e = f.properties;
    const key = lon.toFixed(3) + "," + lat.toFixed(3);
    let groups = points;
    if (e.precision === "region") { regions += 1; continue; }
    if (e.precision === "country") {
      const shape = countryAt(world, lon, lat);
      if (shape) {
        const name = (shape.properties && shape.properties.name) || e.place;
        if (!countries.has(name)) countries.set(name, {lon, lat, shape, events: []});
        countries.get(name).events.push(e);
        continue;
      }
    } else if (e.precision === "division") {
      groups = divisions;
    }
    if (!groups.has(key)) groups.set(key, {lon, lat, events: []});
    groups.get(key).events.push(e);
  }
  const view = fitView([...countries.values(), ...divisions.values(), ...points.values()]);
  const areas = svg("g", {class: "areas"});
  for (const [name, g] of countries) {
    const n = g.events.length;
    const path = svg("path", {d: shapePath(g.shape.geometry), class: "area area-country",
                              "data-precision": "country", "data-name": name,
                              "fill-opacity": (0.3 + 0.45 * Math.min(1, (n - 1) / 5)).toFixed(2)});
    mapTarget(path, eventsLabel(name, g.events), g.events[0]);
    areas.appendChild(path);
  }
  for (const g of divisions.values()) {
    const [x, y] = project(g.lon, g.lat);
    const disc = svg("circle", {cx: x, cy: y, r: DIVISION_RADIUS, class: "area area-division",
                                "data-precision": "division"});
    mapTarget(disc, eventsLabel(g.events[0].place || "division", g.events), g.events[0]);
    areas.appendChild(disc);
  }
  root.appendChild(areas);
  // Events at the same point share one marker, sized by how many there are.
  const markers = svg("g", {class: "markers"});
  for (const g of [...points.values()].sort((a, b) => b.events.length - a.events.length)) {
    const [x, y] = project(g.lon, g.lat);
    const n = g.events.length;
    const first = g.events[0];
    const c = svg("circle", {cx: x, cy: y, "data-r": 3.2 + 1.6 * Math.sqrt(n - 1), class: "marker",
                             fill: TYPE_COLORS[first.type] || "#c53030", "data-precision": first.precision || "point"});
    mapTarget(c, eventsLabel(first.place || `${g.lat.toFixed(2)}, ${g.lon.toFixed(2)}`, g.events), first);
    markers.appendChild(c);
  }
  root.appendChild(markers);
  const drawn = fc.features.length - regions;
  root.setAttribute("aria-label", `Map of ${drawn} located events: ${countries.size} countries and ` +
                    `${divisions.size} divisions shaded, ${points.size} places marked`);
  setView(root, view);
  box.appendChild(root);
  $("map-note").textContent = regions
    ? `${regions} event${regions > 1 ? "s" : ""} placed only in a region or a union of countries, not drawn.` : "";
  const btn = $("map-world");
  const fitted = view;
  btn.onclick = () => {
    const whole = mapView[2] >= MAP_W;
    setView(root, whole ? fitted : [0, 0, MAP_W, MAP_H]);
    btn.textContent = mapView[2] >= MAP_W ? "zoom to events" : "whole world";
  };
  btn.hidden = fitted[2] >= MAP_W;
  btn.textContent = "whole world";
}

function fitView(groups) {
  if (!groups.length) return [0, 0, MAP_W, MAP_H];
  const xs = groups.map((g) => project(g.lon, g.lat)[0]);
  const ys = groups.map((g) => project(g.lon, g.lat)[1]);
  let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  // At least 50° wide, padded, with the map's 2:1 aspect ratio.
  let w = Math.max(50, (x1 - x0) * 1.4 + 12), h = Math.max(25, (y1 - y0) * 1.4 + 12);
  if (w / h > 2) h = w / 2; else w = h * 2;
  if (w >= MAP_W) return [0, 0, MAP_W, MAP_H];
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const x = Math.min(Math.max(0, cx - w / 2), MAP_W - w), y = Math.min(Math.max(0, cy - h / 2), MAP_H - h);
  return [x, y, w, h];
}

/** Show the part [x, y, w, h] of the map; markers and borders keep their size on screen. */
function setView(root, v) {
  mapView = v.slice();
  const k = v[2] / MAP_W;
  root.setAttribute("viewBox", v.map((n) => n.toFixed(2)).join(" "));
  root.querySelector(".land").setAttribute("stroke-width", (0.25 * k).toFixed(3));
  const areas = root.querySelector(".areas");
  if (areas) areas.setAttribute("stroke-width", (0.6 * k).toFixed(3));
  for (const c of root.querySelectorAll("circle.marker")) {
    c.setAttribute("r", (parseFloat(c.getAttribute("data-r")) * k).toFixed(3));
  }
}

/** The tooltip of a marker: beside it, above when the marker is in the lower half. */
function showTip(text, marker) {
  const tip = $("map-tip");
  tip.hidden = !text;
  tip.textContent = text || "";
  if (!text || !marker) return;
  const box = tip.parentElement.getBoundingClientRect();
  const m = marker.getBoundingClientRect();
  const below = m.top + m.height / 2 - box.top < box.height / 2;
  tip.style.top = below ? `${m.bottom - box.top + 6}px` : "";
  tip.style.bottom = below ? "" : `${box.bottom - m.top + 6}px`;
}

// ---------------------------------------------------------------- article view
const articleCache = new Map();

async function showArticle(id, focus, gen = routeGen) {
  status("Loading article…");
  let a;
  try {
    a = articleCache.get(id) || await api("articles/" + encodeURIComponent(id));
    articleCache.set(id, a);
  } catch (e) {
    clear($("article-head")).appendChild(el("h2", {text: e.status === 404 ? "No such article" : "Could not load the article"}));
    clear($("article-text")).appendChild(el("p", {text: e.message}));
    clear($("article-side"));
    status("");
    return;
  }
  if (gen !== routeGen) return;
  status("");
  document.title = (a.title || "(untitled)") + " — newsdesk";
  renderArticleHead(a);
  const anns = annotations(a);
  renderText(a.text || "", anns);
  renderLegend();
  renderSide(a, anns);
  $("article-side").scrollTop = 0;  // a new article starts at the top of its panel too
  if (focus) {
    const target = anns.find((x) => x.key === focus) || anns.find((x) => x.key.startsWith(focus));
    if (target) focusAnnotation(target);
  } else {
    window.scrollTo(0, 0);
    $("back").focus();
  }
}

function renderArticleHead(a) {
  const head = clear($("article-head"));
  head.appendChild(el("h2", {id: "article-title", tabindex: -1, text: a.title || "(untitled)"}));
  const meta = el("p", {class: "meta"});
  const bits = [a.outlet, day(a.published), (a.byline || []).join(", ")].filter(Boolean);
  meta.appendChild(document.createTextNode(bits.join(" · ")));
  const url = safeUrl(a.url);
  if (url) {
    meta.appendChild(document.createTextNode(bits.length ? " · " : ""));
    meta.appendChild(el("a", {href: url, rel: "noopener noreferrer nofollow", target: "_blank", text: "original page"}));
  } else if (a.url) {
    meta.appendChild(document.createTextNode((bits.length ? " · " : "") + "url: " + a.url));
  }
  head.appendChild(meta);
  storyLine(a.id, head);  // stories.js
}

/** Every highlighted span of the article: {key, kind, start, end, label, group}. */
function annotations(a) {
  const out = [];
  const n = (a.text || "").length;
  const ok = (s, e) => Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e <= n && s < e;
  (a.entities || []).forEach((x, i) => ok(x.start, x.end) && out.push({
    key: `entity-${x.start}`, kind: "entity", start: x.start, end: x.end, rec: x, i,
    group: "e:" + (x.canonical || x.text), label: `${x.canonical || x.text} [${x.label}]`}));
  (a.places || []).forEach((x, i) => ok(x.start, x.end) && out.push({
    key: `place-${x.start}`, kind: "place", start: x.start, end: x.end, rec: x, i,
    group: "p:" + x.name, label: [x.name, x.country].filter(Boolean).join(", ")}));
  (a.times || []).forEach((x, i) => ok(x.start, x.end) && out.push({
    key: `time-${x.start}`, kind: "time", start: x.start, end: x.end, rec: x, i,
    group: "t:" + i, label: `${x.text} → ${x.value}`}));
  (a.statements || []).forEach((x, i) => {
    const g = "s:" + i;
    if (ok(x.source_start, x.source_end)) out.push({key: `statement-${i}-source`, kind: "source", start: x.source_start, end: x.source_end, rec: x, i, group: g});
    if (ok(x.cue_start, x.cue_end)) out.push({key: `statement-${i}-cue`, kind: "cue", start: x.cue_start, end: x.cue_end, rec: x, i, group: g});
    if (ok(x.content_start, x.content_end)) out.push({key: `statement-${i}`, kind: "content", start: x.content_start, end: x.content_end, rec: x, i, group: g});
  });
  (a.events || []).forEach((x, i) => ok(x.start, x.end) && out.push({
    key: `event-${x.start}`, kind: "event", start: x.start, end: x.end, rec: x, i,
    group: "v:" + i, label: `${x.type} ${x.factuality}`}));
  out.forEach((x, idx) => { x.id = idx; });
  return out;
}

/** The text, cut at every span boundary; each piece carries the classes of the spans over it. */
const firstSpan = new Map();  // annotation id -> the first piece of text it covers

function renderText(text, anns) {
  const box = clear($("article-text"));
  firstSpan.clear();
  const cuts = new Set([0, text.length]);
  for (const x of anns) { cuts.add(x.start); cuts.add(x.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const starts = new Map();
  for (const x of anns) {
    if (!starts.has(x.start)) starts.set(x.start, []);
    starts.get(x.start).push(x);
  }
  let active = [];
  let para = el("p");
  box.appendChild(para);
  for (let k = 0; k < points.length - 1; k++) {
    const a = points[k], b = points[k + 1];
    active = active.filter((x) => x.end > a).concat(starts.get(a) || []);
    const piece = text.slice(a, b);
    // Paragraph breaks in the text become paragraphs on the page.
    const parts = piece.split(/\n\s*\n/);
    parts.forEach((part, pi) => {
      if (pi > 0) { para = el("p"); box.appendChild(para); }
      if (!part) return;
      if (!active.length) { para.appendChild(document.createTextNode(part)); return; }
      const kinds = [...new Set(active.map((x) => "hl-" + x.kind))].join(" ");
      const span = el("span", {class: "hl " + kinds, "data-ann": active.map((x) => x.id).join(" "), text: part});
      for (const x of active) {
        if (!firstSpan.has(x.id)) { firstSpan.set(x.id, span); span.tabIndex = -1; }
      }
      para.appendChild(span);
    });
  }
}

function renderLegend() {
  const box = clear($("legend"));
  box.appendChild(el("span", {class: "legend-title", text: "Highlight: "}));
  for (const [kind, label] of LAYERS) {
    const id = "layer-" + kind;
    const input = el("input", {type: "checkbox", id, checked: !document.body.classList.contains("hide-" + kind)});
    input.addEventListener("change", () => document.body.classList.toggle("hide-" + kind, !input.checked));
    box.appendChild(el("label", {for: id, class: "layer"}, input, el("span", {class: "hl hl-" + kind, text: label})));
  }
}

function focusAnnotation(x) {
  for (const n of document.querySelectorAll(".hl.focused")) n.classList.remove("focused");
  for (const n of document.querySelectorAll(".hl[data-ann]")) {
    if (n.getAttribute("data-ann").split(" ").includes(String(x.id))) n.classList.add("focused");
  }
  const first = firstSpan.get(x.id);
  if (first) {
    first.scrollIntoView({block: "center"});
    first.focus({preventScroll: true});
  }
}

function sideSection(title, count, items) {
  const details = el("details", {class: "side-section", open: true},
    el("summary", {}, el("span", {text: title}), el("span", {class: "count", text: count})));
  const list = el("ul");
  for (const it of items) list.appendChild(el("li", {}, it));
  details.appendChild(list);
  return details;
}

function annButton(x, kindClass, ...content) {
  return el("button", {type: "button", class: "ann " + kindClass, "data-key": x.key,
                       onclick: () => focusAnnotation(x)}, ...content);
}

function renderSide(a, anns) {
  const side = clear($("article-side"));
  const by = (kind) => anns.filter((x) => x.kind === kind);
  // Statements: who said what; the button focuses the content (or the cue).
  const sts = [];
  let hidden = 0;
  (a.statements || []).forEach((s, i) => {
    if (!trusted(s)) { hidden += 1; return; }
    const target = anns.find((x) => x.key === `statement-${i}`) || anns.find((x) => x.key === `statement-${i}-cue`);
    if (!target) return;
    sts.push(annButton(target, "ann-statement",
      el("span", {class: "hl-source-label", text: s.source || "(unattributed)"}), " ",
      el("span", {class: "hl-cue-label", text: s.cue}), " ",
      el("span", {class: "quote", text: `“${clip(s.content.replace(/^[\s"'“”‘’«»]+|[\s"'“”‘’«»]+$/g, ""), 140)}”`}),
      s.kind ? el("span", {class: "muted", text: ` · ${s.kind}${s.date ? " · " + s.date : ""}`}) : null,
      el("span", {class: "muted confidence", text: " · " + confidenceText(s)})));
  });
  side.appendChild(sideSection("Statements", sts.length, sts));
  const evs = by("event").filter((x) => trusted(x.rec) || (hidden += 1, false)).map((x) => {
    const e = x.rec;
    const where = [e.place, e.time].filter(Boolean).join(", ");
    return annButton(x, "ann-event",
      el("span", {class: "type-badge", style: {background: TYPE_COLORS[e.type] || "#718096"}, text: e.type}), " ",
      el("span", {class: "fact fact-" + e.factuality, text: e.factuality}), " ",
      el("span", {text: eventLine(e)}),
      where ? el("span", {class: "muted", text: " @ " + where}) : null,
      e.attributed_to ? el("span", {class: "muted", text: ", per " + e.attributed_to}) : null,
      el("span", {class: "trigger", text: ` “${e.trigger}”`}),
      e.method === "classifier" ? el("span", {class: "muted", text: " (classifier)"}) : null,
      el("span", {class: "muted confidence", text: " · " + confidenceText(e)}));
  });
  side.appendChild(sideSection("Events", evs.length, evs));
  if (hidden) {
    side.insertBefore(el("p", {class: "muted low-note", text:
      `${hidden} low-confidence record${hidden > 1 ? "s" : ""} (below ${LOW_CONFIDENCE}) hidden: tick "show low-confidence" on the search page to see them.`}),
      side.firstChild);
  }
  side.appendChild(sideSection("Entities", ...grouped(by("entity"), "ann-entity",
    (x) => [el("span", {text: x.rec.canonical || x.rec.text}), el("span", {class: "muted", text: ` ${x.rec.label}${x.rec.role ? " · " + x.rec.role : ""}`})])));
  side.appendChild(sideSection("Places", ...grouped(by("place"), "ann-place",
    (x) => [el("span", {text: x.rec.name}), el("span", {class: "muted", text:
      [x.rec.country, x.rec.kind, x.rec.lat !== null && x.rec.lat !== undefined ? `${(+x.rec.lat).toFixed(2)}, ${(+x.rec.lon).toFixed(2)}` : ""].filter(Boolean).map((s) => " · " + s).join("")})])));
  const times = by("time").map((x) => annButton(x, "ann-time", el("span", {text: x.rec.text}),
    el("span", {class: "muted", text: ` → ${x.rec.value} ${x.rec.type}`})));
  side.appendChild(sideSection("Times", times.length, times));
}

/** Mentions grouped by name: one button per name; pressing it again goes to the next mention. */
function grouped(anns, cls, render) {
  const groups = new Map();
  for (const x of anns) {
    if (!groups.has(x.group)) groups.set(x.group, []);
    groups.get(x.group).push(x);
  }
  const items = [...groups.values()].map((members) => {
    let next = 0;
    const b = el("button", {type: "button", class: "ann " + cls, "data-key": members[0].key,
      onclick: () => { focusAnnotation(members[next]); next = (next + 1) % members.length; }},
      ...render(members[0]), members.length > 1 ? el("span", {class: "count", text: "×" + members.length}) : null);
    return b;
  });
  return [groups.size, items];
}

function clip(s, n) {
  s = String(s).replace(/\s+/g, " ").trim();
  return s.length <= n ? s : s.slice(0, n - 1).trimEnd() + "…";
}

// ---------------------------------------------------------------- wiring
$("search").addEventListener("submit", (ev) => {
  ev.preventDefault();
  setFilters({q: $("q").value.trim() || null});
});
$("back").addEventListener("click", () => {
  go(lastSearchHash);
});
$("show-low").addEventListener("change", () => {
  // The hash carries the choice (low=1); route() reads it back into state.showLow.
  const shown = state.showLow;
  state.showLow = $("show-low").checked;
  const hash = searchHash(state.filters, 0, state.days);
  state.showLow = shown;
  go(hash);
});
window.addEventListener("hashchange", route);
// Skip links move the focus without touching the URL (the hash holds the search).
for (const a of document.querySelectorAll("a.skip")) {
  a.addEventListener("click", (ev) => {
    ev.preventDefault();
    const target = document.getElementById(a.getAttribute("href").slice(1));
    if (target) { target.scrollIntoView({block: "start"}); target.focus(); }
  });
}
window.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape" && !$("view-article").hidden) go(lastSearchHash);
});
let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { if (!$("view-search").hidden) renderTimeline(); }, 150);
});
route();
