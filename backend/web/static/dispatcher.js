// Dispatcher: the network on a map, plans drawn from their GeoJSON, dispatch, re-plan, alerts.
requireSignIn();
const map = makeMap("map");
const layers = {streets: L.featureGroup().addTo(map), network: L.featureGroup().addTo(map), bins: L.featureGroup().addTo(map),
                plan: L.featureGroup().addTo(map), live: L.featureGroup().addTo(map)};
let plan = null;
const TIER_STYLE = {
  collection_point: {radius: 4, color: "#1565c0", fillColor: "#90caf9", fillOpacity: 0.9, weight: 1},
  sorting_center: {radius: 11, color: "#1b5e20", fillColor: "#43a047", fillOpacity: 0.95, weight: 3},
  distribution_market: {radius: 11, color: "#4a148c", fillColor: "#ab47bc", fillOpacity: 0.95, weight: 3},
};

function fillColor(b) {
  if (!b.online) return "#9e9e9e";
  if (b.fill_pct === null) return "#bdbdbd";
  return b.fill_pct >= b.threshold ? "#c62828" : b.fill_pct >= 50 ? "#ef6c00" : "#2e7d32";
}

async function loadNetwork() {
  const sites = await api("GET", "/api/v1/sites?page_size=500");
  const centers = document.getElementById("center");
  for (const s of sites) {
    L.circleMarker([s.lat, s.lon], {...TIER_STYLE[s.tier], className: "site-" + s.tier})
      .bindTooltip(`${t(s.tier)}: ${s.name}`).addTo(layers.network);
    if (s.tier === "sorting_center") centers.append(el("option", {value: s.id}, s.name));
  }
  const bins = await api("GET", "/api/v1/bins/states");
  for (const b of bins) {
    const alarmed = b.device_status !== "ok";
    L.circleMarker([b.lat + 0.0004 * ((b.bin_id % 5) - 2), b.lon + 0.0004 * ((b.bin_id % 3) - 1)], {
      radius: 5, color: alarmed ? "#000" : fillColor(b), weight: alarmed ? 3 : 1, fillColor: fillColor(b),
      fillOpacity: 0.9, dashArray: b.online ? null : "2 3", className: "bin"})
      .on("click", async (e) => {
        const d = await api("GET", `/api/v1/bins/${b.bin_id}`);
        const f = d.forecast;
        e.target.bindPopup(`${d.device_id}<br>${t("fill")}: ${fmt(d.state && d.state.fill_pct)}%` +
          `<br>${fmt(f.rate_pct_per_day)} %/d → ${f.threshold_at ? cityDateTime(f.threshold_at) : "–"}` +
          (b.online ? "" : `<br>${t("offline")}`)).openPopup();
      }).addTo(layers.bins);
  }
  // The view frames what trucks serve (centers and collection points); markets may lie far out.
  const served = sites.filter((s) => s.tier !== "distribution_market");
  if (served.length) map.fitBounds(L.latLngBounds(served.map((s) => [s.lat, s.lon])), {padding: [20, 20]});
  const streets = await drawStreets(map, layers.streets);
  let redraw = null;
  if (streets) map.on("moveend", () => { clearTimeout(redraw); redraw = setTimeout(() => drawStreets(map, layers.streets), 300); });
  const dot = (color, label) => el("span", {}, el("span", {style: `color:${color}`}, " ● "), label);
  document.getElementById("legend").replaceChildren(
    dot(TIER_STYLE.collection_point.color, t("collection_point")), dot(TIER_STYLE.sorting_center.fillColor, t("sorting_center")),
    dot(TIER_STYLE.distribution_market.fillColor, t("distribution_market")), dot("#2e7d32", `${t("fill")} < 50%`),
    dot("#ef6c00", "≥ 50%"), dot("#c62828", "≥ threshold"), dot("#9e9e9e", t("offline")),
    window.TILE_URL ? "" : streets ? ` (${t("streets_offline")})` : ` (${t("no_tiles")})`);
}

async function createPlan() {
  const center_id = Number(document.getElementById("center").value);
  const date = document.getElementById("day").value;
  document.getElementById("create").disabled = true;
  try {
    const queued = await api("POST", "/api/v1/plans", {center_id, date});
    await follow(queued.id);
  } catch (err) { document.getElementById("plan-status").textContent = err.message; }
  document.getElementById("create").disabled = false;
}

async function follow(id) {
  for (;;) {
    const p = await api("GET", `/api/v1/plans/${id}`);
    document.getElementById("progress").style.width = `${Math.round(100 * (p.status === "done" ? 1 : p.progress))}%`;
    document.getElementById("plan-status").textContent = `${t("status")}: ${p.status} (#${p.id})`;
    if (p.status === "done" || p.status === "dispatched") return showPlan(p);
    if (p.status === "failed") { document.getElementById("plan-status").textContent += " " + p.error; return; }
    if (p.status === "cancelled" || p.status === "superseded") return;
    await new Promise((r) => setTimeout(r, 700));
  }
}

async function showPlan(p) {
  plan = p;
  layers.plan.clearLayers();
  const gj = await api("GET", `/api/v1/plans/${p.id}/geojson`);
  L.geoJSON(gj, {
    filter: (f) => f.geometry.type === "LineString",
    // Little smoothing: a route drawn along the streets keeps to them at every zoom.
    style: (f) => ({color: f.properties.color, weight: 4, opacity: 0.85, smoothFactor: 0.3, className: "route-line"}),
  }).addTo(layers.plan);
  for (const f of gj.features.filter((f) => f.geometry.type === "Point" && f.properties.kind !== "sorting_center")) {
    const [lon, lat] = f.geometry.coordinates;
    if (f.properties.kind === "unload") continue;
    L.marker([lat, lon], {icon: L.divIcon({className: "stop-label", html: String(f.properties.seq)})})
      .bindTooltip(`${t("routes")} ${f.properties.route_seq} · ${f.properties.kind} ${f.properties.bin_id || f.properties.booking_id}`)
      .addTo(layers.plan);
  }
  const s = p.summary, b = s.baseline, sv = s.saving;
  const rows = p.routes.map((r) => el("tr", {}, el("td", {}, `${t("routes")} ${r.seq}`), el("td", {}, fmt(r.distance_km)),
    el("td", {}, fmt(r.empty_km)), el("td", {}, fmt(r.km_per_tonne))));
  const table = el("table", {id: "route-table"}, el("tr", {}, el("th", {}, ""), el("th", {}, t("km")),
    el("th", {}, t("empty_km")), el("th", {}, t("km_per_tonne"))), ...rows,
    el("tr", {}, el("th", {}, "Σ"), el("th", {}, fmt(s.plan.distance_km)), el("th", {}, fmt(s.plan.empty_km)),
      el("th", {}, fmt(s.plan.km_per_tonne))));
  if (b) table.append(el("tr", {}, el("td", {}, t("baseline")), el("td", {}, fmt(b.distance_km)),
    el("td", {}, fmt(b.empty_km)), el("td", {}, fmt(b.km_per_tonne))),
    el("tr", {}, el("td", {}, t("saving")), el("td", {}, `${fmt(sv.km)} (${fmt(sv.km_pct)}%)`),
      el("td", {}, `${fmt(sv.empty_km)} (${fmt(sv.empty_km_pct)}%)`), el("td", {}, "")));
  document.getElementById("totals").replaceChildren(table,
    el("p", {id: "km-provider"}, `${t("km")}: ${s.provider || "great-circle x1.3"}`));
  document.getElementById("dispatch").disabled = p.status !== "done";
  document.getElementById("replan").disabled = false;
  const stopSel = document.getElementById("move-stop"), routeSel = document.getElementById("move-route");
  stopSel.replaceChildren(...p.routes.flatMap((r) => r.stops.filter((st) => st.kind !== "unload").map((st) =>
    el("option", {value: st.id}, `${r.seq}.${st.seq} ${st.kind} ${st.bin_id || st.booking_id}`))));
  routeSel.replaceChildren(...p.routes.map((r) => el("option", {value: r.id}, `${t("routes")} ${r.seq}`)));
}

async function dispatchPlan() {
  const p = await api("POST", `/api/v1/plans/${plan.id}/dispatch`);
  document.getElementById("plan-status").textContent = `${t("status")}: ${p.status} (#${p.id})`;
  document.getElementById("dispatch").disabled = true;
}

async function replan() {
  const stop_id = Number(document.getElementById("move-stop").value);
  const drop = document.getElementById("move-drop").checked;
  const body = drop ? {drops: [stop_id]} : {moves: [{stop_id, route_id: Number(document.getElementById("move-route").value)}]};
  const queued = await api("POST", `/api/v1/plans/${plan.id}/replan`, body);
  await follow(queued.id);
}

async function loadAlerts() {
  const alerts = await api("GET", "/api/v1/alerts?state=open&page_size=20");
  document.getElementById("alerts").replaceChildren(...alerts.map((a) => el("tr", {},
    el("td", {}, a.kind), el("td", {}, `bin ${a.bin_id}`),
    el("td", {}, el("button", {onclick: async () => { await api("POST", `/api/v1/alerts/${a.id}/ack`); loadAlerts(); }}, t("ack"))))));
}

async function loadBookings() {
  const list = await api("GET", `/api/v1/bookings?date=${document.getElementById("day").value}&page_size=50`);
  document.getElementById("bookings").replaceChildren(...list.map((b) => el("tr", {},
    el("td", {}, `#${b.id}`), el("td", {}, cityTime(b.window_start)),
    el("td", {}, `${fmt(b.estimated_kg)} kg`), el("td", {}, t(b.status)))));
}

// Live: the trucks' last positions and the stops' statuses of today's dispatched routes, polled,
// with each route's delay and the photos drivers took (proof of service).
const STOP_COLORS = {planned: "#1565c0", arrived: "#ef6c00", done: "#2e7d32", missed: "#c62828"};
const photoCache = new Map();  // a photo never changes: fetched once, not at every poll
async function showPhoto(id, into) {
  if (!photoCache.has(id)) {
    const p = await api("GET", `/api/v1/drivers/photos/${id}`);
    photoCache.set(id, `data:${p.content_type};base64,${p.data}`);
  }
  into.append(el("img", {class: "proof", src: photoCache.get(id), alt: id}));
}
async function loadLive() {
  let routes;
  try { routes = await api("GET", "/api/v1/drivers/routes"); } catch (err) { return; }
  layers.live.clearLayers();
  const rows = [];
  for (const r of routes) {
    for (const s of r.stops.filter((s) => s.kind !== "unload")) {
      L.circleMarker([s.lat, s.lon], {radius: 7, color: "#333", weight: 2, fillColor: STOP_COLORS[s.status], fillOpacity: 1,
        className: `live-stop stop-${s.status}`})
        .bindTooltip(`${r.plate} ${s.seq}: ${t(s.status)} · ${t("eta")} ${cityTime(s.eta)}`)
        .addTo(layers.live);
    }
    if (r.position) {
      L.circleMarker([r.position.lat, r.position.lon], {radius: 9, color: "#000", weight: 3, fillColor: "#ffeb3b", fillOpacity: 1,
        className: "truck"}).bindTooltip(`${t("truck")} ${r.plate} · ${cityTime(r.position.at)}`).addTo(layers.live);
    }
    const done = r.stops.filter((s) => s.status === "done" || s.status === "missed").length;
    const cell = el("td", {class: "photos"});
    for (const s of r.stops) for (const id of s.photos) showPhoto(id, cell).catch(() => null);
    rows.push(el("tr", {class: "live-route", "data-route": r.id}, el("td", {}, r.plate), el("td", {}, `${done}/${r.stops.length}`),
      el("td", {}, `${t("delay")} ${Math.round(r.delay_s / 60)} min`), cell));
  }
  document.getElementById("live").replaceChildren(...rows);
}

document.getElementById("day").value = cityDay(1);
document.getElementById("day").addEventListener("change", loadBookings);
loadNetwork().then(loadAlerts).then(loadBookings).then(loadLive);
setInterval(loadLive, 5000);
