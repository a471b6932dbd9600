// The dispatcher's plan: create it and watch the solver (its phase and best km so far), then
// its routes as a list (truck, driver, trips, load per trip, km, empty km, each stop's ETA
// against its window), a timeline per truck, the routes on the map (fitted, a selected route
// or stop highlighted), dispatch, and re-plan by picking a stop on the map or in the list.
let plan = null;
let following = 0;  // the newest follow() wins: a change of day stops an older one
const sel = {route: null, stop: null};
const planMarks = {lines: new Map(), stops: new Map()};  // route id -> line, stop id -> marker

const planWord = (status) => labelOf(`plan_${status}`);
function setStatus(p) {
  const node = document.getElementById("plan-status");
  node.textContent = `${_("Status")}: ${planWord(p.status)} (#${p.id})`;
  node.dataset.status = p.status;
}

async function loadLatestPlan() {
  const center = document.getElementById("center").value, day = document.getElementById("day").value;
  if (!center) return;
  following++;
  clearPlan();
  panelState("routes", "loading", pgettext("loading", "Loading…"));
  let list;
  try { list = await api("GET", `/api/v1/plans?center_id=${center}&date=${day}&page_size=10`); } catch (err) {
    panelState("routes", "error", loadFailed(err)); return;
  }
  const p = list.find((x) => !["cancelled", "superseded"].includes(x.status));
  if (!p) { panelState("routes", "empty", _("No plan yet for this center and day: pick the day and create one")); return; }
  await follow(p.id);
}

async function createPlan() {
  const center_id = Number(document.getElementById("center").value);
  const date = document.getElementById("day").value;
  document.getElementById("create").disabled = true;
  try {
    const queued = await api("POST", "/api/v1/plans", {center_id, date});
    await follow(queued.id);
  } catch (err) { panelState("plan-status", "error", err.message); }
  document.getElementById("create").disabled = false;
}

async function cancelPlan() {
  if (plan) await api("POST", `/api/v1/plans/${plan.id}/cancel`).catch((err) => panelState("plan-phase", "error", err.message));
}

function showProgress(p) {
  document.getElementById("progress").style.width = `${Math.round(100 * (["done", "dispatched"].includes(p.status) ? 1 : p.progress))}%`;
  const phase = document.getElementById("plan-phase");
  phase.dataset.phase = p.phase || "";
  phase.textContent = p.status === "solving" && p.phase
    ? labelOf(`phase_${p.phase}`) + (p.best_km !== null && p.best_km !== undefined ? ` · ${_("best so far")} ${fmt(p.best_km)} km` : "")
    : p.status === "failed" ? p.error : "";
  document.getElementById("cancel-plan").hidden = !["queued", "solving"].includes(p.status);
}

async function follow(id) {
  const mine = ++following;
  for (;;) {
    let p;
    try { p = await api("GET", `/api/v1/plans/${id}`); } catch (err) { panelState("plan-phase", "error", loadFailed(err)); return; }
    if (mine !== following) return;
    plan = p;
    setStatus(p);
    showProgress(p);
    if (p.status === "done" || p.status === "dispatched") return showPlan(p);
    if (["failed", "cancelled", "superseded"].includes(p.status)) {
      panelState("routes", p.status === "failed" ? "error" : "empty", p.status === "failed" ? p.error : _("No plan yet for this center and day: pick the day and create one"));
      return;
    }
    if (document.getElementById("routes").querySelector(".state-loading") === null) panelState("routes", "loading", _("solving"));
    await new Promise((r) => setTimeout(r, 700));
  }
}

function clearPlan() {
  plan = null;
  layers.plan.clearLayers();
  planMarks.lines.clear(); planMarks.stops.clear();
  sel.route = sel.stop = null;
  sel.byId = null;
  for (const id of ["totals", "timeline", "plan-phase"]) document.getElementById(id).replaceChildren();
  document.getElementById("plan-status").textContent = "";
  delete document.getElementById("plan-status").dataset.status;
  document.getElementById("progress").style.width = "0";
  document.getElementById("dispatch").disabled = true;
  document.getElementById("cancel-plan").hidden = true;
  showPicked();
}

// The peak load of each trip: a trip ends where the truck unloads at the center.
function tripLoads(route) {
  const loads = [];
  let peak = 0;
  for (const s of route.stops) {
    if (s.kind === "unload") { if (peak > 0) loads.push(peak); peak = 0; } else peak = Math.max(peak, s.load_kg);
  }
  if (peak > 0) loads.push(peak);
  return loads;
}
const etaOf = (s) => liveEta.get(s.id) || s.arrival_at;
const isLate = (s) => Boolean(s.window_end) && new Date(etaOf(s)) > new Date(s.window_end);
const stopName = (r, s) => s.kind === "unload" ? _("unload at the center") : `${r.seq}.${s.seq} ${labelOf(s.kind)} ${s.bin_id || s.booking_id}`;
const routeName = (r) => `${pgettext("route", "Route")} ${r.seq} · ${r.plate || _("Truck") + " " + r.vehicle_id}`;
const driverName = (r) => r.driver ? r.driver.name + (r.driver.dispatched ? "" : ` (${_("assigned for the day")})`) : pgettext("no_driver", "no driver assigned");

async function showPlan(p) {
  plan = p;
  layers.plan.clearLayers();
  planMarks.lines.clear(); planMarks.stops.clear();
  const gj = await api("GET", `/api/v1/plans/${p.id}/geojson`);
  L.geoJSON(gj, {
    filter: (f) => f.geometry.type === "LineString",
    // Little smoothing: a route drawn along the streets keeps to them at every zoom.
    style: (f) => ({color: f.properties.color, weight: 4, opacity: 0.85, smoothFactor: 0.3, className: "route-line"}),
    onEachFeature: (f, line) => {
      planMarks.lines.set(f.properties.route_id, line);
      line.on("click", () => selectRoute(f.properties.route_id));
    },
  }).addTo(layers.plan);
  const colors = new Map(gj.features.filter((f) => f.properties.kind === "route").map((f) => [f.properties.route_id, f.properties.color]));
  // The plan's stops are pickable as soon as their markers are drawn: a click while the
  // trucks are still loading below must not be checked against the previous plan's stops.
  sel.byId = new Map(p.routes.flatMap((r) => r.stops.map((s) => [s.id, [r, s]])));
  document.getElementById("move-route").replaceChildren(...p.routes.map((r) => el("option", {value: r.id}, routeName(r))));
  for (const r of p.routes) {
    for (const s of r.stops.filter((s) => s.kind !== "unload")) {
      const m = L.marker([s.lat, s.lon], {icon: L.divIcon({className: "stop-label", html: String(s.seq), iconSize: [20, 20]}),
                                          keyboard: true, title: stopName(r, s)})
        .bindTooltip(`${routeName(r)} · ${stopName(r, s)} · ${_("ETA")} ${cityTime(etaOf(s))}`)
        .on("click", () => pickStop(s.id))
        .addTo(layers.plan);
      m.getElement().style.borderColor = colors.get(r.id) || "#333";
      m.getElement().dataset.stop = s.id;
      planMarks.stops.set(s.id, m);
    }
  }
  routeTable(p, colors);
  routeStops(p, colors);
  timeline(p, colors);
  if (layers.plan.getLayers().length) map.fitBounds(layers.plan.getBounds(), {padding: [30, 30]});
  document.getElementById("dispatch").disabled = p.status !== "done";
  await loadVehicles(p.routes.map((r) => r.vehicle_id));
  showPicked();  // the trucks' categories are known now: which routes a picked stop may move to
}

// The trucks' categories: a stop can be moved only to a truck that may carry what it holds.
const vehicles = new Map();
async function loadVehicles(ids) {
  if (ids.every((id) => vehicles.has(id))) return;
  const list = await allPages("/api/v1/vehicles").catch(() => []);
  for (const v of list) vehicles.set(v.id, v);
}
function carries(route, stop) {
  const v = vehicles.get(route.vehicle_id), b = stop.bin_id && city.bins.find((x) => x.bin_id === stop.bin_id);
  return !v || !b || !v.category_ids.length || v.category_ids.includes(b.category_id);
}

function routeTable(p, colors) {
  const s = p.summary, b = s.baseline, sv = s.saving;
  const head = el("tr", {}, ...[pgettext("route", "Route"), _("Driver"), _("Trips"), _("Load per trip"), _("km"), _("empty km"), _("km per tonne")]
    .map((h) => el("th", {}, h)));
  const rows = p.routes.map((r) => el("tr", {class: "route-row", "data-route": r.id, tabindex: 0,
                                             onclick: () => selectRoute(r.id), onkeydown: (e) => e.key === "Enter" && selectRoute(r.id)},
    el("td", {}, el("span", {class: "swatch", style: `background:${colors.get(r.id)}`}), routeName(r)),
    el("td", {class: r.driver ? "" : "muted"}, driverName(r)), el("td", {}, r.trips),
    el("td", {}, tripLoads(r).map((kg) => `${Math.round(kg)}`).join(" / ") + " kg"),
    el("td", {}, fmt(r.distance_km)), el("td", {}, fmt(r.empty_km)), el("td", {}, fmt(r.km_per_tonne))));
  const table = el("table", {id: "route-table"}, head, ...rows,
    el("tr", {}, el("th", {}, "Σ"), el("th", {}, ""), el("th", {}, ""), el("th", {}, ""), el("th", {}, fmt(s.plan.distance_km)),
      el("th", {}, fmt(s.plan.empty_km)), el("th", {}, fmt(s.plan.km_per_tonne))));
  if (b) table.append(el("tr", {}, el("td", {}, _("Fixed round")), el("td", {}), el("td", {}), el("td", {}),
    el("td", {}, fmt(b.distance_km)), el("td", {}, fmt(b.empty_km)), el("td", {}, fmt(b.km_per_tonne))),
    el("tr", {}, el("td", {}, _("Saving")), el("td", {}), el("td", {}), el("td", {}),
      el("td", {}, `${fmt(sv.km)} (${fmt(sv.km_pct)}%)`), el("td", {}, `${fmt(sv.empty_km)} (${fmt(sv.empty_km_pct)}%)`), el("td", {})));
  const dropped = (s.dropped || []).map((d) => el("li", {class: "dropped"}, `${d.stop}: ${d.reason}`));
  document.getElementById("totals").replaceChildren(table,
    el("p", {id: "km-provider"}, `${_("km")}: ${s.provider || "great-circle x1.3"}`),
    dropped.length ? el("details", {}, el("summary", {}, `${_("Not served")}: ${dropped.length}`), el("ul", {}, ...dropped)) : "");
}

function routeStops(p, colors) {
  if (!p.routes.length) { panelState("routes", "empty", _("The plan has no routes: no stop needs a visit")); return; }
  document.getElementById("routes").replaceChildren(...p.routes.map((r) => el("div", {class: "route-block", "data-route": r.id},
    el("h4", {}, el("span", {class: "swatch", style: `background:${colors.get(r.id)}`}),
      el("button", {class: "link", onclick: () => selectRoute(r.id)}, routeName(r)), " · ", driverName(r),
      el("span", {class: "muted"}, ` · ${cityWindow(r.start_at, r.end_at)}`)),
    el("ol", {class: "plan-stops"}, ...r.stops.map((s) => {
      const late = isLate(s);
      const item = el("li", {class: `plan-stop kind-${s.kind}${late ? " late" : ""}`, "data-stop": s.id},
        s.kind === "unload" ? el("span", {class: "muted"}, stopName(r, s))
          : el("button", {class: "link", onclick: () => pickStop(s.id)}, stopName(r, s)),
        el("span", {class: "eta"}, `${_("ETA")} ${cityTime(etaOf(s))}`),
        el("span", {class: "window"}, s.window_start ? `${_("Window")} ${cityWindow(s.window_start, s.window_end)}` : ""),
        late ? el("strong", {class: "late-mark"}, _("late")) : "",
        el("span", {class: "muted"}, `${Math.round(s.load_kg)} kg`));
      return item;
    })))));
}

// One row per truck: its shift's span as a bar, each stop a dot at its ETA (red when late),
// each unload a square; hour lines labelled in the city's time.
const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
function timeline(p, colors) {
  const box = document.getElementById("timeline");
  if (!p.routes.length) { box.replaceChildren(); return; }
  const t0 = Math.min(...p.routes.map((r) => Date.parse(r.start_at))), t1 = Math.max(...p.routes.map((r) => Date.parse(r.end_at)));
  const W = 760, left = 120, right = 10, rowH = 28, top = 22, H = top + rowH * p.routes.length + 6;
  const x = (ms) => left + (W - left - right) * (ms - t0) / Math.max(1, t1 - t0);
  const parts = [];
  for (let h = Math.ceil(t0 / 3600000) * 3600000; h <= t1; h += 3600000) {
    parts.push(svg("line", {x1: x(h), x2: x(h), y1: top - 4, y2: H, class: "tl-hour"}),
               svg("text", {x: x(h), y: 12, class: "tl-label", "text-anchor": "middle"}, cityTime(new Date(h).toISOString())));
  }
  p.routes.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2, color = colors.get(r.id) || "#555";
    const row = svg("g", {class: "tl-route", "data-route": r.id, tabindex: 0, role: "button", onclick: () => selectRoute(r.id),
                         onkeydown: (e) => e.key === "Enter" && selectRoute(r.id)},
      svg("title", {}, `${routeName(r)}: ${cityWindow(r.start_at, r.end_at)}`),
      svg("text", {x: 4, y: y + 4, class: "tl-name"}, r.plate || routeName(r)),
      svg("rect", {x: x(Date.parse(r.start_at)), y: y - 6, width: Math.max(2, x(Date.parse(r.end_at)) - x(Date.parse(r.start_at))),
                   height: 12, rx: 3, fill: color, "fill-opacity": 0.3, class: "tl-bar"}));
    for (const s of r.stops) {
      const cx = x(Date.parse(etaOf(s)));
      const mark = s.kind === "unload"
        ? svg("rect", {x: cx - 4, y: y - 4, width: 8, height: 8, class: "tl-unload"})
        : svg("circle", {cx, cy: y, r: 4, fill: isLate(s) ? "#c62828" : color, class: `tl-stop${isLate(s) ? " late" : ""}`,
                         "data-stop": s.id, onclick: (e) => { e.stopPropagation(); pickStop(s.id); }});
      mark.append(svg("title", {}, `${stopName(r, s)} · ${_("ETA")} ${cityTime(etaOf(s))}` +
        (s.window_start ? ` · ${_("Window")} ${cityWindow(s.window_start, s.window_end)}` : "")));
      row.append(mark);
    }
    parts.push(row);
  });
  box.replaceChildren(svg("svg", {viewBox: `0 0 ${W} ${H}`, class: "timeline", role: "img", "aria-label": _("Timeline per truck")}, ...parts));
}

// Selecting a route brings its line forward and dims the others; the map fits it.
function selectRoute(routeId) {
  sel.route = sel.route === routeId ? null : routeId;
  for (const [id, line] of planMarks.lines) {
    const on = sel.route === null || id === sel.route;
    line.setStyle({opacity: on ? 0.9 : 0.2, weight: id === sel.route ? 7 : 4});
    line.getElement()?.classList.toggle("selected", id === sel.route);
    if (id === sel.route) { line.bringToFront(); map.fitBounds(line.getBounds(), {padding: [40, 40]}); }
  }
  for (const node of document.querySelectorAll("[data-route]")) node.classList.toggle("selected", Number(node.dataset.route) === sel.route);
}

function pickStop(stopId) {
  if (!sel.byId || !sel.byId.has(stopId)) return;
  const prev = planMarks.stops.get(sel.stop);
  if (prev) prev.getElement().classList.remove("picked");
  sel.stop = stopId;
  const m = planMarks.stops.get(stopId);
  if (m) { m.getElement().classList.add("picked"); map.panTo(m.getLatLng()); m.openTooltip(); }
  for (const node of document.querySelectorAll(".plan-stop, .tl-stop")) node.classList.toggle("picked", Number(node.dataset.stop) === stopId);
  showPicked();
}

function showPicked() {
  const picked = document.getElementById("picked"), routeSel = document.getElementById("move-route");
  const hit = sel.stop !== null && sel.byId ? sel.byId.get(sel.stop) : null;
  document.getElementById("replan").disabled = !hit;
  if (!hit) { picked.textContent = _("Pick a stop on the map or in the list"); picked.dataset.stop = ""; return; }
  const [r, s] = hit;
  picked.textContent = `${_("Picked stop")}: ${stopName(r, s)} (${routeName(r)})`;
  picked.dataset.stop = s.id;
  // A truck that may not carry the stop's category is no choice; moving a stop to the
  // route it is on changes nothing: offer the others first.
  for (const o of routeSel.options) o.disabled = !carries(plan.routes.find((x) => x.id === Number(o.value)), s);
  const other = [...routeSel.options].find((o) => Number(o.value) !== r.id && !o.disabled);
  if (other && Number(routeSel.value) === r.id) routeSel.value = other.value;
}

async function dispatchPlan() {
  try {
    const p = await api("POST", `/api/v1/plans/${plan.id}/dispatch`);
    setStatus(p);
    document.getElementById("dispatch").disabled = true;
    await follow(p.id);
  } catch (err) { panelState("plan-phase", "error", err.message); }
}

async function replan() {
  const stop_id = sel.stop;
  const drop = document.getElementById("move-drop").checked;
  const body = drop ? {drops: [stop_id]} : {moves: [{stop_id, route_id: Number(document.getElementById("move-route").value)}]};
  document.getElementById("replan").disabled = true;
  try {
    const queued = await api("POST", `/api/v1/plans/${plan.id}/replan`, body);
    clearPlan();
    await follow(queued.id);
  } catch (err) { panelState("plan-phase", "error", err.message); document.getElementById("replan").disabled = false; }
}
