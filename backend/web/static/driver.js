// The driver's phone: today's route in order, and at each stop the buttons arrived, collected
// (weight, or the fill seen at a bin) and missed (a reason, a note, a photo). Works with no
// signal: every report gets its own id and time here, waits in a queue in localStorage, and
// is sent in order when the connection is back (the server stores each id once).
requireSignIn();
const QUEUE_KEY = "driver.queue", ROUTES_KEY = "driver.routes", SETTINGS_KEY = "driver.settings";
// Kept like the route: a page opened offline still offers every reason.
let settings = JSON.parse(localStorage.getItem(SETTINGS_KEY) || '{"miss_reasons": ["other"], "position_interval_s": 30}');
let routes = JSON.parse(localStorage.getItem(ROUTES_KEY) || "[]");
let flushing = false;

const queue = () => JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]");
const saveQueue = (q) => { localStorage.setItem(QUEUE_KEY, JSON.stringify(q)); showSync(); };
const saveRoutes = () => localStorage.setItem(ROUTES_KEY, JSON.stringify(routes));
const uuid = () => crypto.randomUUID();
const hhmm = cityTime;

function enqueue(item) { const q = queue(); q.push(item); saveQueue(q); flush(); }

function showSync() {
  const n = queue().length, node = document.getElementById("sync");
  node.dataset.state = n ? "queued" : "synced";
  node.dataset.count = n;
  node.textContent = n ? `${n} ${_("waiting to send")}` : _("all sent");
}

// One request, raw: a network failure is "offline" (keep it queued), any answer is final.
// A photo waits as base64 text (localStorage keeps strings) and goes as a multipart file.
function photoForm(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const form = new FormData();
  form.append("photo", new Blob([bytes], {type: "image/jpeg"}), "photo.jpg");
  return form;
}

async function send(item) {
  const headers = {Authorization: "Bearer " + localStorage.getItem("token")};
  if (!item.photo) headers["Content-Type"] = "application/json";
  const body = item.photo ? photoForm(item.photo) : JSON.stringify(item.body);
  try {
    const resp = await fetch(item.path, {method: "POST", headers, body});
    return resp.status;
  } catch (err) { return 0; }
}

async function flush() {
  if (flushing || !navigator.onLine) return;
  flushing = true;
  try {
    for (;;) {
      const q = queue();
      if (!q.length) break;
      const status = await send(q[0]);
      if (status === 0 || status >= 500 || status === 401 || status === 429) break;  // try again later
      // Stored (201), already stored (200), or refused for good (4xx): either way it leaves the queue.
      if (status >= 400) console.warn("refused", status, q[0]);
      saveQueue(queue().slice(1));
    }
  } finally { flushing = false; }
}

function report(stop, type, extra = {}) {
  const body = {id: uuid(), type, happened_at: new Date().toISOString(), ...extra};
  enqueue({path: `/api/v1/drivers/stops/${stop.id}/events`, body});
  stop.status = {arrived: "arrived", collected: "done", missed: "missed"}[type];  // as the server will have it
  saveRoutes();
  render();
}

// A photo sized down on the phone too (the server does it again), so the queue stays small.
// Read as a data: URL (the page's policy allows data: images, not blob: ones).
function photoData(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = reject;
    reader.readAsDataURL(file);
  }).then((url) => new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const scale = Math.min(1, 1280 / Math.max(img.width, img.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(img.width * scale); canvas.height = Math.round(img.height * scale);
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      resolve(canvas.toDataURL("image/jpeg", 0.8).split(",")[1]);
    };
    img.onerror = reject;
    img.src = url;
  }));
}

function queuePhoto(stop, data) {
  const query = new URLSearchParams({id: uuid(), taken_at: new Date().toISOString()});
  enqueue({path: `/api/v1/drivers/stops/${stop.id}/photos?${query}`, photo: data});
}

function stopCard(stop) {
  const li = el("li", {class: `stop stop-${stop.status}`, "data-stop": stop.id, "data-status": stop.status});
  const what = stop.items.map((i) => `${i.category} ${fmt(i.quantity)} ${i.unit}`).join(", ");
  const win = stop.window_start ? `${_("Window")} ${hhmm(stop.window_start)}–${hhmm(stop.window_end)} · ` : "";
  li.append(
    el("div", {class: "stop-head"}, el("b", {}, `${stop.seq}. ${labelOf(stop.kind)}`), el("span", {class: "badge"}, labelOf(stop.status))),
    el("div", {}, stop.place || "", stop.place && stop.address ? " · " : "", stop.address || ""),
    el("div", {class: "muted"}, `${win}${_("ETA")} ${hhmm(stop.eta || stop.arrival_at)}`),
  );
  if (what) li.append(el("div", {}, what));
  if (stop.note) li.append(el("div", {class: "note"}, stop.note));
  const label = encodeURIComponent(stop.place || stop.address || `#${stop.seq}`);
  li.append(el("a", {class: "nav", href: `geo:${stop.lat},${stop.lon}?q=${stop.lat},${stop.lon}(${label})`}, _("Navigate")));
  if (stop.status === "done" || stop.status === "missed") return li;
  const buttons = el("div", {class: "buttons"});
  if (stop.status === "planned") buttons.append(el("button", {class: "arrived", onclick: () => report(stop, "arrived")}, _("Arrived")));
  if (stop.kind !== "unload") {
    const amount = stop.kind === "bin"
      ? el("input", {class: "fill", type: "number", min: 0, max: 100, inputmode: "numeric", placeholder: _("Fill seen %")})
      : el("input", {class: "weight", type: "number", min: 0, step: "0.1", inputmode: "decimal", placeholder: _("Weight kg")});
    const collect = el("button", {class: "collect", onclick: () => {
      const v = amount.value === "" ? null : Number(amount.value);
      report(stop, "collected", v === null ? {} : stop.kind === "bin" ? {fill_pct: v} : {quantity_kg: v});
    }}, _("Collected"));
    const reason = el("select", {class: "reason"}, ...settings.miss_reasons.map((r) => el("option", {value: r}, labelOf(r))));
    const note = el("input", {class: "miss-note", maxlength: 500, placeholder: _("Note")});
    const photo = el("input", {class: "photo", type: "file", accept: "image/*", capture: "environment"});
    const miss = el("button", {class: "miss", onclick: async () => {
      // The photo is read first, then queued after the event it proves (the server wants the stop missed first).
      const data = photo.files.length ? await photoData(photo.files[0]).catch(() => null) : null;
      report(stop, "missed", {reason: reason.value, ...(note.value ? {note: note.value} : {})});
      if (data) queuePhoto(stop, data);
    }}, _("Missed"));
    buttons.append(el("div", {class: "row"}, amount, collect),
                   el("details", {}, el("summary", {}, _("Missed")), reason, note, el("label", {}, _("Photo"), photo), miss));
  }
  li.append(buttons);
  return li;
}

// The next leg on a small map: from the truck's position (or the last stop finished) to the next
// open stop. Drawn straight at once (this also works offline), then along the streets when the
// server answers with a road network's leg (GET .../next-leg; straight again without a network).
let legMap = null, legLayer = null, here = null, legAsked = 0;
function paintLeg(points, geometry, to) {
  legLayer.clearLayers();
  L.circleMarker(to, {radius: 8, color: "#1565c0", fillOpacity: 0.9, className: "leg-next"}).addTo(legLayer);
  if (points.length > 1) {
    const style = geometry === "streets" ? {} : {dashArray: "6 6"};
    L.polyline(points, {color: "#1565c0", weight: 4, className: `leg-line leg-${geometry}`, ...style}).addTo(legLayer);
    L.circleMarker(points[0], {radius: 6, color: "#000", fillColor: "#ffeb3b", fillOpacity: 1}).addTo(legLayer);
  }
  document.getElementById("leg").dataset.geometry = geometry;
  legMap.invalidateSize();
  legMap.fitBounds(legLayer.getBounds(), {padding: [20, 20], maxZoom: 16});
}

async function streetLeg(route, next) {
  const asked = ++legAsked;
  const query = here ? `?lat=${here[0]}&lon=${here[1]}` : "";
  try {
    const leg = await api("GET", `/api/v1/drivers/routes/${route.id}/next-leg${query}`);
    // Only the newest answer draws, and only while it is still about the stop shown.
    if (asked !== legAsked || leg.stop_id !== next.id || leg.geometry !== "streets") return;
    paintLeg(leg.points, "streets", [next.lat, next.lon]);
  } catch (err) { /* offline: the straight line stays */ }
}

function drawLeg() {
  const route = routes.find((r) => r.stops.some((s) => s.status === "planned" || s.status === "arrived"));
  const stops = route ? route.stops : [];
  const next = stops.find((s) => s.status === "planned" || s.status === "arrived");
  const node = document.getElementById("leg");
  node.hidden = !next;
  if (!next) return;
  if (!legMap) { legMap = makeMap("leg"); legLayer = L.featureGroup().addTo(legMap); }
  const done = stops.filter((s) => s.status === "done" || s.status === "missed").pop();
  const from = here || (done ? [done.lat, done.lon] : null);
  const to = [next.lat, next.lon];
  paintLeg(from ? [from, to] : [], "straight", to);
  if (navigator.onLine) streetLeg(route, next);
}

function render() {
  const list = document.getElementById("stops");
  document.getElementById("no-route").hidden = routes.length > 0;
  const r = routes[0];
  document.getElementById("route-title").textContent = r ? `${_("Today's route")} · ${r.plate} · ${r.date}` : _("Today's route");
  list.replaceChildren(...routes.flatMap((route) => route.stops.map(stopCard)));
  drawLeg();
}

async function load() {
  try {
    settings = await api("GET", "/api/v1/drivers/settings");
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
    const fresh = await api("GET", "/api/v1/drivers/routes");
    // Reports still queued here are newer than what the server sent: keep their statuses.
    const pending = new Map(routes.flatMap((r) => r.stops.map((s) => [s.id, s.status])));
    const order = {planned: 0, arrived: 1, done: 2, missed: 2};
    for (const r of fresh) for (const s of r.stops) {
      const mine = pending.get(s.id);
      if (queue().length && mine && order[mine] > order[s.status]) s.status = mine;
    }
    routes = fresh;
    saveRoutes();
  } catch (err) { /* offline: the routes kept from the last load */ }
  render();
}

function reportPosition() {
  const active = routes.find((r) => r.stops.some((s) => s.status === "planned" || s.status === "arrived"));
  if (!active || !navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition((p) => {
    here = [p.coords.latitude, p.coords.longitude];
    drawLeg();
    const body = {lat: p.coords.latitude, lon: p.coords.longitude, accuracy_m: Math.min(p.coords.accuracy || 0, 100000),
                  at: new Date(p.timestamp || Date.now()).toISOString()};
    // Only the newest position is worth sending late: drop older ones still queued.
    saveQueue(queue().filter((i) => !i.path.endsWith("/positions")));
    enqueue({path: `/api/v1/drivers/routes/${active.id}/positions`, body});
  }, () => null, {enableHighAccuracy: true, maximumAge: 10000, timeout: 20000});
}

window.addEventListener("online", flush);
// The page itself opens offline too (see driver-sw.js).
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/console/driver-sw.js", {scope: "/console/driver"}).catch(() => null);
showSync();
load().then(() => {
  flush();
  reportPosition();
  setInterval(reportPosition, 1000 * settings.position_interval_s);
  setInterval(flush, 5000);
});
