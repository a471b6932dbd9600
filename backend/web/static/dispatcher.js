// Dispatcher: the city's network and bins on a map (clustered when a whole city's bins are
// loaded, filtered by fill, category, alert and center), alerts, the day's bookings and the
// trucks on the road. The plan's routes, timeline and re-plan are in dispatcher-plan.js.
requireSignIn();
const map = makeMap("map");
// Clusters split level by level down to the map's deepest zoom, which a map without a tile
// layer (the offline street lines, the tests) does not otherwise have.
if (map.options.maxZoom === undefined) map.setMaxZoom(19);
const layers = {streets: L.featureGroup().addTo(map), network: L.featureGroup().addTo(map), bins: null,
                plan: L.featureGroup().addTo(map), live: L.featureGroup().addTo(map)};
const TIER_STYLE = {
  collection_point: {radius: 4, color: "#1565c0", fillColor: "#90caf9", fillOpacity: 0.9, weight: 1},
  sorting_center: {radius: 11, color: "#1b5e20", fillColor: "#43a047", fillOpacity: 0.95, weight: 3},
  distribution_market: {radius: 11, color: "#4a148c", fillColor: "#ab47bc", fillOpacity: 0.95, weight: 3},
};
// Up to this many bins each is drawn as it is; above, nearby bins are drawn as one cluster
// (a city's 10,000 SVG markers would make every pan and zoom redraw 10,000 nodes).
const CLUSTER_ABOVE = 1000;
const city = {sites: new Map(), bins: [], alertBins: new Set(), categories: []};

// A panel's empty, loading or error state, with a word why (role=status is read out).
function panelState(id, kind, text) {
  const node = document.getElementById(id);
  node.replaceChildren(el("p", {class: `state state-${kind}`, role: kind === "error" ? "alert" : "status"}, text));
  return node;
}
const loadFailed = (err) => `${_("Could not load")}: ${(err && err.message) || err}`;

function fillClass(b) {
  if (!b.online) return "offline";
  if (b.fill_pct === null) return "unknown";
  return b.fill_pct >= b.threshold ? "over" : b.fill_pct >= 50 ? "half" : "low";
}
const FILL_COLORS = {offline: "#9e9e9e", unknown: "#bdbdbd", over: "#c62828", half: "#ef6c00", low: "#2e7d32"};
const fillColor = (b) => FILL_COLORS[fillClass(b)];
const alarmed = (b) => b.device_status !== "ok" || city.alertBins.has(b.bin_id);

// Every page of a paged list (the API caps a page at 500 rows).
async function allPages(path, pageSize = 500, maxPages = 100) {
  const out = [];
  for (let n = 1; n <= maxPages; n++) {
    const rows = await api("GET", `${path}${path.includes("?") ? "&" : "?"}page=${n}&page_size=${pageSize}`);
    out.push(...rows);
    if (rows.length < pageSize) break;
  }
  return out;
}

async function loadNetwork() {
  panelState("map-state", "loading", pgettext("loading", "Loading…"));
  // The bins' states are asked for at once, beside the stations (paged): a city has thousands of each.
  const binsAsked = Promise.all([api("GET", "/api/v1/bins/states"), allPages("/api/v1/alerts?state=open", 500, 20)]);
  binsAsked.catch(() => null);  // its failure is reported by loadBins
  const sites = await allPages("/api/v1/sites");
  const centers = document.getElementById("center"), centerFilter = document.getElementById("f-center");
  for (const s of sites) {
    city.sites.set(s.id, s);
    L.circleMarker([s.lat, s.lon], {...TIER_STYLE[s.tier], className: "site-" + s.tier})
      .bindTooltip(`${labelOf(s.tier)}: ${s.name}`).addTo(layers.network);
    if (s.tier === "sorting_center") {
      centers.append(el("option", {value: s.id}, s.name));
      centerFilter.append(el("option", {value: s.id}, s.name));
    }
  }
  // The view frames what trucks serve (centers and collection points); markets may lie far out.
  const served = sites.filter((s) => s.tier !== "distribution_market");
  if (served.length) map.fitBounds(L.latLngBounds(served.map((s) => [s.lat, s.lon])), {padding: [20, 20]});
  city.categories = await api("GET", "/api/v1/categories").catch(() => []);
  document.getElementById("f-category").append(...city.categories.map((c) => el("option", {value: c.id}, categoryName(c))));
  await loadBins(binsAsked);
  const streets = await drawStreets(map, layers.streets);
  let redraw = null;
  if (streets) map.on("moveend", () => { clearTimeout(redraw); redraw = setTimeout(() => drawStreets(map, layers.streets), 300); });
  const dot = (color, label) => el("span", {}, el("span", {style: `color:${color}`}, " ● "), label);
  document.getElementById("legend").replaceChildren(
    dot(TIER_STYLE.collection_point.color, _("Collection point")), dot(TIER_STYLE.sorting_center.fillColor, _("Sorting center")),
    dot(TIER_STYLE.distribution_market.fillColor, pgettext("distribution_market", "Market")), dot(FILL_COLORS.low, `${_("Fill")} < 50%`),
    dot(FILL_COLORS.half, "≥ 50%"), dot(FILL_COLORS.over, _("over threshold")), dot(FILL_COLORS.offline, _("offline")),
    window.TILE_URL ? "" : streets ? ` (${_("streets: OpenStreetMap road network (offline)")})` : ` (${_("no map tiles (offline)")})`);
}

function binMarker(b) {
  const bad = b.device_status !== "ok";
  // Spread the bins of one station a little so that each can be clicked.
  const m = L.circleMarker([b.lat + 0.0004 * ((b.bin_id % 5) - 2), b.lon + 0.0004 * ((b.bin_id % 3) - 1)], {
    radius: 5, color: bad ? "#000" : fillColor(b), weight: bad ? 3 : 1, fillColor: fillColor(b),
    fillOpacity: 0.9, dashArray: b.online ? null : "2 3", className: "bin"});
  m.bin = b;
  m.on("click", async (e) => {
    const d = await api("GET", `/api/v1/bins/${b.bin_id}`);
    const f = d.forecast;
    e.target.bindPopup(`${d.device_id}<br>${_("Fill")}: ${fmt(d.state && d.state.fill_pct)}%` +
      `<br>${fmt(f.rate_pct_per_day)} %/d → ${f.threshold_at ? cityDateTime(f.threshold_at) : "–"}` +
      (b.online ? "" : `<br>${_("offline")}`)).openPopup();
  });
  return m;
}

// A cluster says how many bins it holds and is coloured by its fullest share: red when any
// is over its threshold, orange when any is half full.
function clusterIcon(cluster) {
  const bins = cluster.getAllChildMarkers().map((m) => m.bin);
  const level = bins.some((b) => fillClass(b) === "over") ? "over" : bins.some((b) => fillClass(b) === "half") ? "half" : "low";
  const n = cluster.getChildCount();
  const size = n < 100 ? 30 : n < 1000 ? 38 : 46;
  return L.divIcon({html: `<span>${n}</span>`, className: `bin-cluster bin-cluster-${level}`, iconSize: L.point(size, size)});
}

async function loadBins(asked) {
  let bins, alerts;
  try {
    [bins, alerts] = await asked;
  } catch (err) { panelState("map-state", "error", loadFailed(err)); return; }
  city.alertBins = new Set(alerts.map((a) => a.bin_id));
  city.bins = bins;
  for (const b of bins) b.marker = binMarker(b);
  layers.bins = bins.length > CLUSTER_ABOVE
    ? L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 60,
                            disableClusteringAtZoom: 17, iconCreateFunction: clusterIcon})
    : L.featureGroup();
  layers.bins.addTo(map);
  applyFilters();
}

function binPasses(b, f) {
  if (f.fill && fillClass(b) !== f.fill) return false;
  if (f.category && b.category_id !== f.category) return false;
  if (f.alert && !alarmed(b)) return false;
  if (f.center) {
    const site = city.sites.get(b.site_id);
    if (!site || site.sorting_center_id !== f.center) return false;
  }
  return true;
}

function applyFilters() {
  if (!layers.bins) return;
  const f = {
    fill: document.getElementById("f-fill").value,
    category: Number(document.getElementById("f-category").value) || null,
    alert: document.getElementById("f-alert").checked,
    center: Number(document.getElementById("f-center").value) || null,
  };
  const shown = city.bins.filter((b) => binPasses(b, f));
  layers.bins.clearLayers();
  if (layers.bins.addLayers) layers.bins.addLayers(shown.map((b) => b.marker));
  else for (const b of shown) b.marker.addTo(layers.bins);
  document.getElementById("bin-count").textContent = `${_("bins shown")}: ${shown.length} / ${city.bins.length}`;
  if (!city.bins.length) panelState("map-state", "empty", _("No bin matches the filters"));
  else if (!shown.length) panelState("map-state", "empty", _("No bin matches the filters"));
  else document.getElementById("map-state").replaceChildren();
}

async function loadAlerts() {
  panelState("alerts", "loading", pgettext("loading", "Loading…"));
  let alerts;
  try { alerts = await api("GET", "/api/v1/alerts?state=open&page_size=20"); } catch (err) {
    panelState("alerts", "error", loadFailed(err)); return;
  }
  if (!alerts.length) { panelState("alerts", "empty", _("No open alerts: every bin reports normally")); return; }
  document.getElementById("alerts").replaceChildren(el("table", {}, ...alerts.map((a) => el("tr", {class: "alert-row"},
    el("td", {}, a.kind), el("td", {}, `${_("Bin")} ${a.bin_id}`), el("td", {}, cityDateTime(a.opened_at || a.created_at)),
    el("td", {}, el("button", {onclick: async () => { await api("POST", `/api/v1/alerts/${a.id}/ack`); loadAlerts(); }}, _("Acknowledge")))))));
}

async function loadBookings() {
  panelState("bookings", "loading", pgettext("loading", "Loading…"));
  let list;
  try { list = await api("GET", `/api/v1/bookings?date=${document.getElementById("day").value}&page_size=50`); } catch (err) {
    panelState("bookings", "error", loadFailed(err)); return;
  }
  if (!list.length) { panelState("bookings", "empty", _("No pickup bookings for this day")); return; }
  document.getElementById("bookings").replaceChildren(el("table", {}, ...list.map((b) => el("tr", {class: "booking-row"},
    el("td", {}, `#${b.id}`), el("td", {}, cityWindow(b.window_start, b.window_end)),
    el("td", {}, `${fmt(b.estimated_kg)} kg`), el("td", {}, labelOf(b.status))))));
}

// Live: the trucks' last positions and the stops' statuses of today's dispatched routes, polled,
// with each route's delay and the photos drivers took (proof of service).
const STOP_COLORS = {planned: "#1565c0", arrived: "#ef6c00", done: "#2e7d32", missed: "#c62828"};
const photoCache = new Map();  // a photo never changes: fetched once, not at every poll
const liveEta = new Map();  // stop id -> the re-estimated arrival, for the plan's list
async function showPhoto(id, into) {
  if (!photoCache.has(id)) {
    const p = await api("GET", `/api/v1/drivers/photos/${id}`);
    photoCache.set(id, `data:${p.content_type};base64,${p.data}`);
  }
  into.append(el("img", {class: "proof", src: photoCache.get(id), alt: id}));
}
let liveLoaded = false;
async function loadLive() {
  if (!liveLoaded) panelState("live", "loading", pgettext("loading", "Loading…"));
  let routes;
  try { routes = await api("GET", "/api/v1/drivers/routes"); } catch (err) {
    panelState("live", "error", loadFailed(err)); return;
  }
  liveLoaded = true;
  layers.live.clearLayers();
  const rows = [];
  for (const r of routes) {
    for (const s of r.stops) if (s.eta) liveEta.set(s.id, s.eta);
    for (const s of r.stops.filter((s) => s.kind !== "unload")) {
      L.circleMarker([s.lat, s.lon], {radius: 7, color: "#333", weight: 2, fillColor: STOP_COLORS[s.status], fillOpacity: 1,
        className: `live-stop stop-${s.status}`})
        .bindTooltip(`${r.plate} ${s.seq}: ${labelOf(s.status)} · ${_("ETA")} ${cityTime(s.eta)}`)
        .addTo(layers.live);
    }
    if (r.position) {
      L.circleMarker([r.position.lat, r.position.lon], {radius: 9, color: "#000", weight: 3, fillColor: "#ffeb3b", fillOpacity: 1,
        className: "truck"}).bindTooltip(`${_("Truck")} ${r.plate} · ${cityTime(r.position.at)}`).addTo(layers.live);
    }
    const done = r.stops.filter((s) => s.status === "done" || s.status === "missed").length;
    const cell = el("td", {class: "photos"});
    for (const s of r.stops) for (const id of s.photos) showPhoto(id, cell).catch(() => null);
    rows.push(el("tr", {class: "live-route", "data-route": r.id}, el("td", {}, r.plate), el("td", {}, `${done}/${r.stops.length}`),
      el("td", {}, `${_("delay")} ${Math.round(r.delay_s / 60)} min`), cell));
  }
  if (!rows.length) { panelState("live", "empty", _("No dispatched routes today: no truck on the road")); return; }
  document.getElementById("live").replaceChildren(el("table", {}, ...rows));
}

function onDayOrCenter() { loadBookings(); loadLatestPlan(); }

document.getElementById("day").value = cityDay(1);
document.getElementById("day").addEventListener("change", onDayOrCenter);
document.getElementById("center").addEventListener("change", onDayOrCenter);
for (const id of ["f-fill", "f-category", "f-alert", "f-center"]) document.getElementById(id).addEventListener("change", applyFilters);
loadNetwork()
  .catch((err) => panelState("map-state", "error", loadFailed(err)))
  .then(() => Promise.all([loadAlerts(), loadBookings(), loadLatestPlan(), loadLive()]));
setInterval(loadLive, 5000);
