// Resident (phone-first): book a pickup in a window with room; follow each booking along its
// status timeline (built from the booking's own events), cancel or move it while the truck is
// not yet on its way; the wallet's entries; the nearest collection points on a small map.
// Every panel says when it is loading, empty (and why) or failed.
requireSignIn();
let me = null;
let categoryNames = {};  // code -> name in the page's language
let credits = {};  // booking id -> the wallet's credit for it
const STEPS = ["requested", "scheduled", "en_route", "collected", "received", "settled"];
const CHANGEABLE = ["requested", "scheduled"];  // the API's CANCELLABLE: until the truck leaves
const ENDS = ["cancelled", "missed"];
const NEAREST = 5;
const SEARCH_DAYS = 14;
const cityIsoDay = new Intl.DateTimeFormat("en-CA", {timeZone: CITY_TZ, year: "numeric", month: "2-digit", day: "2-digit"});
const nextDay = (iso) => new Date(Date.parse(iso) + 86400000).toISOString().slice(0, 10);
const failed = (err) => `${_("Could not load")}: ${err.message}`;

async function init() {
  try {
    // The header's answer on who is signed in (one GET /api/v1/me per page).
    const access = await currentAccess();
    if (!access) return;  // signed out: on the way to the sign-in page
    me = access.me;
    const cats = await api("GET", "/api/v1/categories?page_size=100&active=true&hazardous=false");
    categoryNames = Object.fromEntries(cats.map((c) => [c.code, categoryName(c)]));
    document.getElementById("category").replaceChildren(...cats.filter((c) => c.parent_id !== null || c.unit === "kg")
      .map((c) => el("option", {value: c.code}, categoryName(c))));
  } catch (err) {
    for (const id of ["book-state", "mine-state", "wallet-state", "points-state"]) showState(id, "error", failed(err));
    return;
  }
  // The panels load side by side: one failing leaves the others working.
  await Promise.all([openBookingForm(), refresh(), loadPoints()]);
}

// --- booking ---------------------------------------------------------------------------
function slotOptions(slots, current) {
  return slots.map((s) => {
    const same = current && Date.parse(s.window_start) === Date.parse(current);
    const open = s.remaining && s.bookable && !same;
    const why = same ? _("current window") : s.bookable ? ngettext("%(num)s place left", "%(num)s places left", s.remaining) : _("closed");
    return el("option", {value: s.window_start, ...(open ? {} : {disabled: "disabled"})},
      `${cityWindow(s.window_start, s.window_end)} (${why})`);
  });
}

// Why a day offers nothing to book, in the resident's words.
function noRoomWhy(slots) {
  if (!slots.length) return _("No pickup windows on this day (a day off, or your address is outside the service area)");
  if (!slots.some((s) => s.bookable)) return _("This day's windows are past their booking cutoff or not open yet");
  return _("Every window of this day is full: try another day");
}

async function fetchSlots(date, lat, lon) {
  return api("GET", `/api/v1/slots?date=${date}&lat=${lat}&lon=${lon}`);
}

async function loadSlots() {
  const date = document.getElementById("date").value;
  const select = document.getElementById("slot");
  const button = document.getElementById("book-button");
  button.disabled = true;
  showState("book-state", "loading", _("Looking for pickup windows…"));
  let slots;
  try { slots = await fetchSlots(date, me.lat ?? 30.27, me.lon ?? 120.16); }
  catch (err) { select.replaceChildren(); showState("book-state", "error", failed(err)); return false; }
  select.replaceChildren(...slotOptions(slots));
  const open = slots.some((s) => s.remaining && s.bookable);
  if (open) select.value = slots.find((s) => s.remaining && s.bookable).window_start;
  button.disabled = !open;
  showState("book-state", open ? "" : "empty", open ? "" : noRoomWhy(slots));
  return open;
}

async function openBookingForm() {
  const d = document.getElementById("date");
  d.value = cityDay(1);
  d.min = cityDay(0);
  d.addEventListener("change", loadSlots);
  // Start at the city's first day with a window open.
  for (let tries = 0; tries < SEARCH_DAYS; tries++) {
    if (await loadSlots()) return;
    if (document.getElementById("book-state").dataset.state === "error") return;
    d.value = nextDay(d.value);
  }
  d.value = cityDay(1);
  await loadSlots();
  showState("book-state", "empty", _("No window with room in the next two weeks: the windows are full or not open yet"));
}

async function book(e) {
  const f = e.target;
  const button = document.getElementById("book-button");
  button.disabled = true;
  try {
    await api("POST", "/api/v1/bookings", {items: [{category: f.category.value, quantity: Number(f.quantity.value)}],
                                           window_start: f.slot.value});
    document.getElementById("book-error").textContent = "";
    await Promise.all([refresh(), loadSlots()]);
  } catch (err) {
    document.getElementById("book-error").textContent = err.status === 409 ? _("That window has just filled up: pick another") : err.message;
    await loadSlots();
  }
}

// --- my bookings and the wallet -------------------------------------------------------------
async function refresh() {
  await loadWallet();
  await loadBookings();
}

async function loadWallet() {
  showState("wallet-state", "loading", pgettext("loading", "Loading…"));
  let w;
  try { w = await api("GET", "/api/v1/me/wallet"); }
  catch (err) { showState("wallet-state", "error", failed(err)); return; }
  credits = {};
  for (const e of w.entries) if (e.booking_id) credits[e.booking_id] = (credits[e.booking_id] || 0) + Number(e.amount);
  document.getElementById("balance").textContent = w.balance;
  document.getElementById("wallet-table").hidden = !w.entries.length;
  document.getElementById("entries").replaceChildren(...w.entries.map((e) => el("tr", {class: "entry"},
    el("td", {}, cityDate(e.created_at)),
    el("td", {class: Number(e.amount) < 0 ? "amount-minus" : "amount-plus"}, Number(e.amount) > 0 ? `+${e.amount}` : e.amount),
    el("td", {}, e.booking_id ? `#${e.booking_id} ${e.description}` : e.description))));
  showState("wallet-state", w.entries.length ? "" : "empty", w.entries.length ? "" : _("No entries yet: credit arrives once your recyclables are weighed at the sorting center"));
}

// Open bookings first (soonest first), then the finished ones (latest first).
function ordered(bookings) {
  const open = bookings.filter((b) => !ENDS.includes(b.status) && !["received", "settled"].includes(b.status));
  const rest = bookings.filter((b) => !open.includes(b));
  const at = (b) => Date.parse(b.window_start);
  return [...open.sort((a, b) => at(a) - at(b)), ...rest.sort((a, b) => at(b) - at(a))];
}

async function loadBookings() {
  showState("mine-state", "loading", pgettext("loading", "Loading…"));
  let mine;
  try { mine = await api("GET", "/api/v1/bookings?page_size=100"); }
  catch (err) { showState("mine-state", "error", failed(err)); return; }
  document.getElementById("mine").replaceChildren(...ordered(mine).map(bookingCard));
  showState("mine-state", mine.length ? "" : "empty", mine.length ? "" : _("No bookings yet: pick a category and a window above to book a pickup"));
}

// The steps a booking went through, from its events: when each status was last entered;
// a cancelled or missed booking shows how far it got and then its end, with the reason.
function timeline(b) {
  const lastAt = {};
  for (const e of b.events) lastAt[e.to_status] = e.at;
  const end = ENDS.includes(b.status) ? [...b.events].reverse().find((e) => e.to_status === b.status) : null;
  const reached = STEPS.indexOf(end ? (end.from_status || "requested") : b.status);
  const steps = STEPS.slice(0, end ? reached + 1 : STEPS.length).map((s, i) => {
    let label = labelOf(`step_${s}`);
    if (s === "collected" && b.collected_kg !== null && b.collected_kg !== undefined) label += ` · ${fmt(b.collected_kg)} kg`;
    if (s === "settled" && b.id in credits) label += ` · +${credits[b.id].toFixed(2)}`;
    const state = i < reached || (end && i === reached) ? "done" : i === reached ? "done current" : "todo";
    const when = i <= reached ? (lastAt[s] ? cityDateTime(lastAt[s]) : "") : s === "en_route" ? `${_("expected")} ${cityWindow(b.window_start, b.window_end)}` : "";
    // The dot's colour says done or to come; a screen reader gets it in words.
    const said = el("span", {class: "sr-only"}, `${labelOf(state === "todo" ? "step_todo" : "step_done")}: `);
    return el("li", {class: state, "data-step": s}, said, label, when ? el("span", {class: "when"}, when) : "");
  });
  if (end) {
    const reason = b.status_reason && b.status_reason !== b.status ? ` · ${labelOf(b.status_reason)}` : "";
    steps.push(el("li", {class: "ended", "data-step": b.status}, `${labelOf(b.status)}${reason}`,
      el("span", {class: "when"}, cityDateTime(end.at))));
  }
  return el("ol", {class: "timeline", "aria-label": _("Booking progress")}, ...steps);
}

function bookingCard(b) {
  const what = b.items.map((i) => `${categoryNames[i.category] || i.category} ${i.quantity}${i.unit === "kg" ? " kg" : ""}`).join(", ");
  const card = el("li", {class: "booking", "data-booking": b.id, "data-status": b.status},
    el("div", {class: "booking-head"},
      el("b", {}, `#${b.id} · ${cityDate(b.window_start)} ${cityWindow(b.window_start, b.window_end)}`),
      el("span", {class: "status", "data-status": b.status}, labelOf(b.status))),
    el("div", {class: "muted"}, what),
    timeline(b));
  const error = el("p", {class: "error", role: "alert"});
  if (CHANGEABLE.includes(b.status)) {
    const actions = el("div", {class: "actions"});
    const cancelButton = el("button", {type: "button", class: "cancel"}, _("Cancel pickup"));
    const moveButton = el("button", {type: "button", class: "reschedule"}, _("Reschedule"));
    cancelButton.addEventListener("click", () => confirmCancel(b, actions, error));
    moveButton.addEventListener("click", () => openReschedule(b, card, error));
    actions.append(cancelButton, moveButton);
    card.append(actions);
  } else {
    card.append(el("p", {class: "why"}, labelOf(`why_fixed_${b.status}`)));
  }
  card.append(error);
  return card;
}

function confirmCancel(b, actions, error) {
  const yes = el("button", {type: "button", class: "confirm-cancel"}, _("Yes, cancel"));
  const no = el("button", {type: "button"}, _("Keep it"));
  const before = [...actions.childNodes];
  yes.addEventListener("click", async () => {
    yes.disabled = true;
    try { await api("POST", `/api/v1/bookings/${b.id}/cancel`, {}); await Promise.all([refresh(), loadSlots()]); }
    catch (err) { error.textContent = err.status === 409 ? _("The truck has set out: it can no longer be cancelled") : err.message; yes.disabled = false; }
  });
  no.addEventListener("click", () => actions.replaceChildren(...before));
  actions.replaceChildren(el("span", {}, _("Cancel this pickup?")), yes, no);
  yes.focus();
}

function openReschedule(b, card, error) {
  if (card.querySelector(".reschedule-form")) return;
  const date = el("input", {type: "date", name: "date", min: cityDay(0), value: cityIsoDay.format(new Date(b.window_start))});
  const slot = el("select", {name: "slot"});
  const state = el("p", {class: "state", role: "status"});
  const submit = el("button", {type: "submit"}, _("Move to this window"));
  const form = el("form", {class: "reschedule-form"},
    el("label", {}, `${_("New date")} `, date), el("label", {}, `${_("Window")} `, slot), state, submit);
  const load = async () => {
    submit.disabled = true;
    state.dataset.state = "loading"; state.textContent = _("Looking for pickup windows…");
    let slots;
    try { slots = await fetchSlots(date.value, b.lat, b.lon); }
    catch (err) { state.dataset.state = "error"; state.textContent = failed(err); return; }
    slot.replaceChildren(...slotOptions(slots, b.window_start));
    const first = slots.find((s) => s.remaining && s.bookable && Date.parse(s.window_start) !== Date.parse(b.window_start));
    if (first) slot.value = first.window_start;
    submit.disabled = !first;
    state.dataset.state = first ? "" : "empty";
    state.textContent = first ? "" : noRoomWhy(slots.filter((s) => Date.parse(s.window_start) !== Date.parse(b.window_start)));
  };
  date.addEventListener("change", load);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      await api("POST", `/api/v1/bookings/${b.id}/reschedule`, {window_start: slot.value});
      await Promise.all([refresh(), loadSlots()]);
    } catch (err) { error.textContent = err.status === 409 ? _("That window has just filled up: pick another") : err.message; submit.disabled = false; }
  });
  card.insertBefore(form, error);
  load();
  date.focus();
}

// --- the nearest collection points -------------------------------------------------------------
function km(a, b) {
  // Haversine: enough for "which point is nearest" within a city.
  const rad = Math.PI / 180, dLat = (b[0] - a[0]) * rad, dLon = (b[1] - a[1]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
}

async function loadPoints() {
  showState("points-state", "loading", pgettext("loading", "Loading…"));
  let sites;
  try { sites = await api("GET", "/api/v1/public/sites?tier=collection_point"); }
  catch (err) { showState("points-state", "error", failed(err)); return; }
  if (!sites.length) { showState("points-state", "empty", _("No collection points are registered in the city yet")); document.getElementById("points-map").hidden = true; return; }
  const home = me.lat !== null && me.lat !== undefined ? [me.lat, me.lon] : null;
  const nearest = sites.map((s) => ({...s, km: home ? km(home, [s.lat, s.lon]) : null}))
    .sort((a, b) => (a.km ?? 0) - (b.km ?? 0)).slice(0, NEAREST);
  showState("points-state", home ? "" : "empty", home ? "" : _("Your address has no location: set it in your profile to sort points by distance"));
  const map = makeMap("points-map");
  const streets = L.featureGroup().addTo(map);
  const markers = L.featureGroup().addTo(map);
  if (home) L.circleMarker(home, {radius: 7, color: "#b71c1c", fillColor: "#ef5350", fillOpacity: 1, className: "home-marker"})
    .bindTooltip(_("Your address")).addTo(markers);
  for (const [i, s] of nearest.entries()) {
    L.circleMarker([s.lat, s.lon], {radius: 8, color: "#1b5e20", fillColor: "#43a047", fillOpacity: 0.9, className: "point-marker"})
      .bindTooltip(`${i + 1}. ${s.name}`).addTo(markers);
  }
  map.fitBounds(markers.getBounds().pad(0.25), {maxZoom: 16});
  document.getElementById("points").replaceChildren(...nearest.map((s) => el("li", {class: "point"},
    el("b", {}, s.name), s.km === null ? "" : ` · ${fmt(s.km, 1)} km`,
    s.opening_hours ? el("div", {class: "muted"}, `${_("Opening hours")}: ${s.opening_hours}`) : "")));
  drawStreets(map, streets);
}

init();
