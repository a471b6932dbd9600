// The sorting-center operator's page: today's expected trucks, weighing one in (the vehicle,
// its tare and the route's bookings filled from the arrival: the operator types weights
// only), corrections with their reason, stock over the weeks and lots. Only the operator's
// own center: the API refuses any other.
requireSignIn();
let center = null;
let categories = [];
let vehicles = [];
let arrivals = [];
let intakes = [];
let correcting = null;

// A panel's state line (app.js's showState, for a whole panel): loading, empty (the panel
// says why, from its data-empty) or failed, with a retry. `fill` draws the panel and resolves to true when there is nothing to show.
async function panel(id, fill) {
  const section = document.getElementById(id);
  const state = section.querySelector(".state");
  section.dataset.state = state.dataset.state = "loading";
  section.setAttribute("aria-busy", "true");
  state.replaceChildren(pgettext("op_loading", "Loading…"));
  try {
    const empty = await fill();
    section.dataset.state = state.dataset.state = empty ? "empty" : "ready";
    state.replaceChildren(empty ? state.dataset.empty : "");
  } catch (err) {
    section.dataset.state = state.dataset.state = "error";
    state.replaceChildren(el("span", {class: "error"}, `${_("Could not load")}: ${err.message} `),
      el("button", {type: "button", class: "secondary", onclick: () => panel(id, fill)}, _("Retry")));
  } finally {
    section.removeAttribute("aria-busy");
  }
}

const kg = (x) => `${fmt(x)} kg`;
const catLabel = (c) => (LANG === "zh" ? c.name_zh : c.name_en) || c.category || c.code;
const byCode = (code) => categories.find((c) => c.code === code);

async function init() {
  await panel("intake-panel", async () => {
    const me = await api("GET", "/api/v1/me");
    const centerId = me.sorting_center_id || Number(new URLSearchParams(location.search).get("center"));
    center = await api("GET", `/api/v1/sites/${centerId}`);
    document.getElementById("center-name").textContent = center.name;
    categories = await api("GET", "/api/v1/categories?page_size=100&active=true");
    document.getElementById("lot-category").replaceChildren(...categoryOptions());
    vehicles = await api("GET", `/api/v1/vehicles?home_center_id=${center.id}&active=true&page_size=100`);
    const select = document.getElementById("vehicle");
    select.replaceChildren(...vehicles.map((v) => el("option", {value: v.id}, v.plate)));
    select.addEventListener("change", vehicleChanged);
    const markets = await Promise.all(center.market_ids.map((id) => api("GET", `/api/v1/sites/${id}`)));
    document.getElementById("market").replaceChildren(...markets.map((m) => el("option", {value: m.id}, m.name)));
    clearIntake();
    return false;
  });
  if (!center) return;
  document.getElementById("arrivals-day").textContent = cityDate(new Date());
  await Promise.all([loadArrivals(), loadIntakes(), loadStock(), loadLots()]);
}

function categoryOptions(selected) {
  return categories.map((c) => {
    const o = el("option", {value: c.code}, `${categoryName(c)} (${c.code})`);
    if (c.code === selected) o.selected = true;
    return o;
  });
}

// --- Expected arrivals -------------------------------------------------------------------

const loadArrivals = () => panel("arrivals-panel", async () => {
  arrivals = await api("GET", `/api/v1/sorting-centers/${center.id}/arrivals`);
  document.getElementById("arrivals").replaceChildren(...arrivals.map(arrivalCard));
  return arrivals.length === 0;
});

function arrivalCard(a) {
  const weighed = a.progress === "weighed";
  const estimate = a.categories.map((c) => el("li", {"data-category": c.category},
    `${catLabel(c)}: ${_("expected")} ${kg(c.estimated_kg)}`,
    c.reported_kg === null ? "" : el("span", {class: "muted"}, ` (${_("reported")} ${kg(c.reported_kg)})`)));
  return el("li", {class: `arrival arrival-${a.progress}`, "data-route": a.route_id, "data-progress": a.progress},
    el("div", {class: "arrival-head"},
      el("b", {}, a.plate), el("span", {}, ` ${pgettext("op_route", "Route")} ${a.seq} · ${a.driver_name || pgettext("op_no_driver", "no driver assigned")}`),
      el("span", {class: "badge"}, labelOf(`op_progress_${a.progress}`))),
    el("div", {class: "muted"}, `${_("back by")} ${cityTime(a.end_at)} · ${a.bookings.length} ${pgettext("bookings", "Bookings")} · ` +
      `${a.bins.length} ${_("bins")} · ${a.stops_done + a.stops_missed}/${a.stops_total} ${_("stops reported")}`),
    el("ul", {class: "estimate"}, ...estimate),
    onBoard(a),
    weighed
      ? el("div", {class: "muted"}, a.intake_ids.map((id) => `#${id}`).join(", "))
      : el("button", {type: "button", class: "weigh", onclick: () => pickArrival(a)}, _("Weigh this truck")));
}

// Each booking and bin of the route, in stop order, with what the crew reported there.
function onBoard(a) {
  const stops = [
    ...a.bookings.map((b) => ({seq: b.seq, status: b.stop_status, text: `#${b.booking_id} ${cityWindow(b.window_start, b.window_end)} ` +
      b.items.map((i) => `${catLabel(i)} ${fmt(i.quantity)} ${i.item_unit}`).join(", "), kg: b.reported_kg, booking: b.booking_id})),
    ...a.bins.map((b) => ({seq: b.seq, status: b.stop_status, text: `${b.place} · ${catLabel(b)}`, kg: b.reported_kg})),
  ].sort((x, y) => x.seq - y.seq);
  return el("details", {class: "on-board"}, el("summary", {}, `${_("Bookings and bins on board")} (${stops.length})`),
    el("ol", {}, ...stops.map((s) => el("li", {class: `stop-${s.status}`, ...(s.booking ? {"data-booking": s.booking} : {})},
      s.text, " ", el("span", {class: "badge"}, labelOf(s.status)), s.kg === null ? "" : ` ${_("reported")} ${kg(s.kg)}`))));
}

// --- Weighing in -------------------------------------------------------------------------

function tareOf(vehicleId) {
  const v = vehicles.find((x) => x.id === Number(vehicleId));
  return v ? v.tare_kg : 0;
}

function lineRow(container, line = {}) {
  const gross = el("input", {name: "gross", type: "number", step: "0.1", min: "0", required: "",
    "aria-label": _("Gross kg")});
  const tare = el("input", {name: "tare", type: "number", step: "0.1", min: "0", required: "", "aria-label": _("Tare kg")});
  const net = el("output", {class: "net"});
  const select = el("select", {name: "category", "aria-label": _("Category")}, ...categoryOptions(line.category));
  if (line.gross_kg !== undefined) gross.value = line.gross_kg;
  tare.value = line.tare_kg !== undefined ? line.tare_kg : tareOf(document.getElementById("vehicle").value);
  const showNet = () => { net.value = gross.value ? `${_("net")} ${kg(Number(gross.value) - Number(tare.value))}` : ""; };
  gross.addEventListener("input", showNet); tare.addEventListener("input", showNet); showNet();
  // A correction keeps the grade and contamination the original was weighed with.
  const row = el("div", {class: "line", "data-category": line.category || "", "data-grade": line.grade || "B", "data-contamination": line.contamination_pct || 0},
    el("label", {}, _("Category"), " ", select),
    line.hint ? el("span", {class: "muted hint"}, line.hint) : "",
    el("label", {}, `${_("Gross kg")} `, gross), el("label", {}, `${_("Tare kg")} `, tare), net,
    el("button", {type: "button", class: "secondary remove", "aria-label": pgettext("op_remove", "Remove"),
      onclick: () => row.remove()}, "×"));
  container.append(row);
  return row;
}

function addLine() { lineRow(document.getElementById("lines")); }

function vehicleChanged() {
  // A different truck than the arrival's: the route no longer applies, the tare is the new one's.
  const f = document.getElementById("intake-form");
  if (f.route.value) clearIntake(f.vehicle.value);
  for (const input of document.querySelectorAll("#lines input[name=tare]")) input.value = tareOf(f.vehicle.value);
}

function bookingRows(container, bookings, values = {}) {
  container.replaceChildren(...bookings.map((b) => {
    const rows = b.items.map((i) => {
      const input = el("input", {type: "number", step: "0.1", min: "0", name: "quantity", "data-booking": b.booking_id,
        "data-category": i.category, "aria-label": `#${b.booking_id} ${catLabel(i)} (${i.item_unit})`,
        placeholder: fmt(i.item_unit === "kg" ? (i.reported_kg ?? i.expected_kg) : i.quantity)});
      const key = `${b.booking_id}:${i.category}`;
      if (values[key] !== undefined) input.value = values[key];
      if (!b.weighable) input.disabled = true;
      return el("label", {}, `${catLabel(i)} (${i.item_unit === "piece" ? _("Quantity") : "kg"}) `, input);
    });
    return el("div", {class: "booking-weight", "data-booking": b.booking_id},
      el("b", {}, `#${b.booking_id}`), " ",
      el("span", {class: "muted"}, b.window_start ? cityWindow(b.window_start, b.window_end) : ""), " ",
      el("span", {class: "badge"}, labelOf(b.status)),
      b.weighable ? "" : el("span", {class: "muted"}, ` ${_("not reported collected: cannot be settled")}`), ...rows);
  }));
}

function pickArrival(a) {
  const f = document.getElementById("intake-form");
  if (!vehicles.some((v) => v.id === a.vehicle_id)) {  // a truck of another home center, sent here
    vehicles.push({id: a.vehicle_id, plate: a.plate, tare_kg: a.tare_kg});
    f.vehicle.append(el("option", {value: a.vehicle_id}, a.plate));
  }
  f.vehicle.value = a.vehicle_id;
  f.route.value = a.route_id;
  const lines = document.getElementById("lines");
  lines.replaceChildren();
  for (const c of a.categories) {
    lineRow(lines, {category: c.category, tare_kg: a.tare_kg, hint: `${_("expected")} ${kg(c.estimated_kg)}`});
  }
  if (!a.categories.length) addLine();
  bookingRows(document.getElementById("booking-weights"), a.bookings);
  document.getElementById("booking-fieldset").hidden = a.bookings.length === 0;
  document.getElementById("intake-source").textContent =
    `${_("From route")} ${a.seq}: ${a.plate} · ${_("Tare kg")} ${fmt(a.tare_kg)}`;
  for (const li of document.querySelectorAll("#arrivals li.arrival")) li.classList.toggle("picked", li === document.querySelector(`#arrivals li[data-route="${a.route_id}"]`));
  document.getElementById("intake-panel").scrollIntoView({block: "start"});
  const first = lines.querySelector("input[name=gross]");
  if (first) first.focus();
}

function clearIntake(vehicleId) {
  const f = document.getElementById("intake-form");
  f.route.value = "";
  if (vehicleId) f.vehicle.value = vehicleId;
  document.getElementById("lines").replaceChildren();
  addLine();
  document.getElementById("booking-weights").replaceChildren();
  document.getElementById("booking-fieldset").hidden = true;
  document.getElementById("intake-source").textContent = _("Pick an expected truck above, or choose a vehicle and add categories.");
  for (const li of document.querySelectorAll("#arrivals li.picked")) li.classList.remove("picked");
}

function readLines(container) {
  return [...container.querySelectorAll(".line")].map((row) => ({
    category: row.querySelector("select[name=category]").value,
    gross_kg: Number(row.querySelector("input[name=gross]").value),
    tare_kg: Number(row.querySelector("input[name=tare]").value),
    grade: row.dataset.grade,
    contamination_pct: Number(row.dataset.contamination),
  }));
}

function readBookingWeights(container) {
  return [...container.querySelectorAll("input[name=quantity]")]
    .filter((i) => !i.disabled && i.value !== "")
    .map((i) => ({booking_id: Number(i.dataset.booking), category: i.dataset.category, quantity: Number(i.value)}));
}

async function logIntake(e) {
  const f = e.target;
  const error = document.getElementById("intake-error");
  const ok = document.getElementById("intake-ok");
  const body = {vehicle_id: Number(f.vehicle.value), lines: readLines(document.getElementById("lines")),
                booking_weights: readBookingWeights(document.getElementById("booking-weights"))};
  if (f.route.value) body.route_id = Number(f.route.value);
  try {
    const saved = await api("POST", `/api/v1/sorting-centers/${center.id}/intakes`, body);
    error.textContent = "";
    ok.textContent = `${_("Intake saved")} #${saved.id}`;
    clearIntake();
    await Promise.all([loadArrivals(), loadIntakes(), loadStock()]);
  } catch (err) { ok.textContent = ""; error.textContent = err.message; }
}

// --- Intakes and corrections -------------------------------------------------------------

const loadIntakes = () => panel("intakes-panel", async () => {
  intakes = await api("GET", `/api/v1/sorting-centers/${center.id}/intakes?page_size=30`);
  const correctedBy = new Map(intakes.filter((i) => i.corrects_id).map((i) => [i.corrects_id, i]));
  const plate = (id) => (vehicles.find((v) => v.id === id) || {plate: `#${id}`}).plate;
  const rows = intakes.map((i) => {
    const by = correctedBy.get(i.id);
    const note = by ? `${_("corrected by")} #${by.id}: ${by.reason}`
      : i.corrects_id ? `${pgettext("op_corrects", "corrects")} #${i.corrects_id}: ${i.reason}` : "";
    return el("tr", {"data-intake": i.id, class: by ? "corrected" : ""},
      el("td", {}, `#${i.id}`), el("td", {}, cityDateTime(i.weighed_at)), el("td", {}, plate(i.vehicle_id)),
      el("td", {class: "lines-cell"}, i.lines.map((l) => `${catLabel(byCode(l.category) || {code: l.category})} ${kg(l.net_kg)}`).join(", "),
        i.booking_weights.length ? el("div", {class: "muted"}, i.booking_weights.map((w) => `#${w.booking_id} ${fmt(w.quantity)}`).join(", ")) : ""),
      el("td", {class: "correction"}, note),
      el("td", {}, by ? "" : el("button", {type: "button", class: "secondary correct", onclick: () => openCorrection(i)}, _("Correct"))));
  });
  document.getElementById("intakes").replaceChildren(...(rows.length ? [el("tr", {},
    el("th", {}, "#"), el("th", {}, _("Date")), el("th", {}, _("Vehicle")), el("th", {}, _("net")),
    el("th", {}, _("Status")), el("th", {}, ""))] : []), ...rows);
  return rows.length === 0;
});

function openCorrection(intake) {
  correcting = intake;
  const f = document.getElementById("correct-form");
  f.reset();
  document.getElementById("correct-error").textContent = "";
  document.getElementById("correct-id").textContent = `#${intake.id}`;
  const lines = document.getElementById("correct-lines");
  lines.replaceChildren();
  for (const l of intake.lines) lineRow(lines, l);
  // The booking weights the intake settled, to re-state (or fix); a correction replaces them.
  const bookings = [...new Set(intake.booking_weights.map((w) => w.booking_id))].map((id) => ({
    booking_id: id, status: "settled", weighable: true, items: intake.booking_weights.filter((w) => w.booking_id === id)
      .map((w) => ({category: w.category, item_unit: (byCode(w.category) || {}).unit || "kg", quantity: w.quantity,
                    expected_kg: w.kg, reported_kg: null, ...(byCode(w.category) ? {name_en: byCode(w.category).name_en, name_zh: byCode(w.category).name_zh} : {})}))}));
  const values = Object.fromEntries(intake.booking_weights.map((w) => [`${w.booking_id}:${w.category}`, w.quantity]));
  bookingRows(document.getElementById("correct-bookings"), bookings, values);
  document.getElementById("correct-booking-fieldset").hidden = bookings.length === 0;
  document.getElementById("correct-dialog").showModal();
}

function closeCorrection() { correcting = null; document.getElementById("correct-dialog").close(); }

async function saveCorrection(e) {
  const f = e.target;
  const body = {vehicle_id: correcting.vehicle_id, route_id: correcting.route_id, corrects_id: correcting.id,
    reason: f.reason.value.trim(), lines: readLines(document.getElementById("correct-lines")),
    booking_weights: readBookingWeights(document.getElementById("correct-bookings"))};
  try {
    await api("POST", `/api/v1/sorting-centers/${center.id}/intakes`, body);
    closeCorrection();
    await Promise.all([loadIntakes(), loadStock(), loadArrivals()]);
  } catch (err) { document.getElementById("correct-error").textContent = err.message; }
}

// --- Stock, its weeks, and lots ------------------------------------------------------------

const loadStock = () => panel("stock-panel", async () => {
  const [stock, history] = await Promise.all([
    api("GET", `/api/v1/sorting-centers/${center.id}/stock`),
    api("GET", `/api/v1/sorting-centers/${center.id}/stock/history?weeks=8`)]);
  const held = stock.filter((s) => Math.abs(s.kg) > 1e-6);
  document.getElementById("stock").replaceChildren(...held.map((s) => el("tr", {"data-category": s.category},
    el("td", {}, catLabel(s)), el("td", {class: "kg"}, kg(s.kg)))));
  document.getElementById("stock-chart").replaceChildren(...(held.length || history.categories.length ? [stockChart(history)] : []));
  return held.length === 0 && history.categories.every((c) => c.kg.every((x) => Math.abs(x) < 1e-6));
});

const PALETTE = ["#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a", "#c62828", "#00838f", "#827717", "#4e342e"];

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

// Lines of each category's stock at the end of each week, on one kg scale. The week's last day
// is a calendar date: formatted at noon UTC it is the same day in any city's zone.
function stockChart(history) {
  const W = 420, H = 200, left = 48, right = 24, top = 10, bottom = 28;
  const max = Math.max(1, ...history.categories.flatMap((c) => c.kg));
  const n = history.weeks.length;
  const x = (i) => left + (n === 1 ? 0 : (i * (W - left - right)) / (n - 1));
  const y = (v) => top + (H - top - bottom) * (1 - Math.max(0, v) / max);
  const weekLabel = (d) => cityDate(`${d}T12:00:00Z`).replace(/^\d{4}\D|\D\d{4}$/, "");  // month and day: years would crowd the axis
  const grid = [0, 0.5, 1].map((f) => svg("g", {},
    svg("line", {x1: left, x2: W - right, y1: y(max * f), y2: y(max * f), class: "grid-line"}),
    svg("text", {x: left - 4, y: y(max * f) + 4, "text-anchor": "end", class: "axis"}, fmt(max * f, 0))));
  const ticks = history.weeks.map((d, i) => (i % 2 === n % 2 || i === n - 1)
    ? svg("text", {x: x(i), y: H - 8, "text-anchor": i === n - 1 ? "end" : "middle", class: "axis"}, weekLabel(d)) : svg("g"));
  const series = history.categories.map((c, k) => svg("g", {"data-category": c.category},
    svg("title", {}, `${catLabel(c)}: ${c.kg.map((v, i) => `${weekLabel(history.weeks[i])} ${fmt(v)} kg`).join(", ")}`),
    svg("polyline", {points: c.kg.map((v, i) => `${x(i)},${y(v)}`).join(" "), fill: "none",
      stroke: PALETTE[k % PALETTE.length], "stroke-width": 2}),
    ...c.kg.map((v, i) => svg("circle", {cx: x(i), cy: y(v), r: 3, fill: PALETTE[k % PALETTE.length]}))));
  const chart = svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": _("Chart of the stock per category, week by week"), class: "chart"},
    svg("title", {}, _("Chart of the stock per category, week by week")), ...grid, ...ticks, ...series);
  const legend = el("ul", {class: "legend"}, ...history.categories.map((c, k) => {
    const swatch = el("span", {class: "swatch"});
    swatch.style.background = PALETTE[k % PALETTE.length];  // CSSOM: the policy refuses style attributes
    return el("li", {}, swatch, ` ${catLabel(c)} ${kg(c.kg[c.kg.length - 1])}`);
  }));
  return el("figure", {}, chart, legend);
}

const loadLots = () => panel("lots-panel", async () => {
  const lots = await api("GET", `/api/v1/sorting-centers/${center.id}/lots`);
  const catById = (id) => categories.find((c) => c.id === id) || {code: `#${id}`};
  const markets = Object.fromEntries([...document.getElementById("market").options].map((o) => [o.value, o.textContent]));
  document.getElementById("lots").replaceChildren(...(lots.length ? [el("tr", {},
    el("th", {}, "#"), el("th", {}, _("Category")), el("th", {}, pgettext("market", "Market")), el("th", {}, _("Weight kg")),
    el("th", {}, _("Status")))] : []), ...lots.map((l) => el("tr", {"data-lot": l.id, "data-status": l.status},
    el("td", {}, `#${l.id}`), el("td", {}, categoryName(catById(l.category_id))), el("td", {}, markets[l.market_id] || `#${l.market_id}`),
    el("td", {class: "kg"}, l.received_kg === null ? kg(l.weight_kg) : `${kg(l.weight_kg)} → ${kg(l.received_kg)}`),
    el("td", {}, el("span", {class: `badge lot-${l.status}`}, labelOf(`op_lot_${l.status}`)), " ",
      el("span", {class: "muted"}, cityDateTime(l.received_at || l.shipped_at))))));
  return lots.length === 0;
});

async function shipLot(e) {
  const f = e.target;
  try {
    await api("POST", `/api/v1/sorting-centers/${center.id}/lots`, {category: f.category.value,
      market_id: Number(f.market.value), weight_kg: Number(f.weight.value), price_per_kg: Number(f.price.value)});
    document.getElementById("lot-error").textContent = "";
    await Promise.all([loadStock(), loadLots()]);
  } catch (err) { document.getElementById("lot-error").textContent = err.message; }
}

init();
