// Call center: find the caller by phone number (or register them), book in a window with
// room at their address, see and cancel their bookings. Every action is on the agent's name.
requireSignIn();
let caller = null;

async function init() {
  const cats = await api("GET", "/api/v1/categories?page_size=100&active=true&hazardous=false");
  document.getElementById("category").replaceChildren(...cats.filter((c) => c.parent_id !== null || c.unit === "kg")
    .map((c) => el("option", {value: c.code}, categoryName(c))));
  document.getElementById("date").addEventListener("change", loadSlots);
}

async function findCaller(e) {
  const phone = e.target.phone.value;
  document.getElementById("find-error").textContent = "";
  try {
    const found = await api("GET", `/api/v1/callers?phone=${encodeURIComponent(phone)}`);
    document.getElementById("found").replaceChildren(...found.map((c) => el("tr", {class: "caller"},
      el("td", {}, c.display_name), el("td", {}, c.phone), el("td", {}, c.address),
      el("td", {}, el("button", {onclick: () => openCaller(c.id)}, _("Caller"))))));
    document.getElementById("register-card").hidden = found.length > 0;
    if (found.length === 1) await openCaller(found[0].id);
  } catch (err) { document.getElementById("find-error").textContent = err.message; }
}

async function registerCaller(e) {
  const f = e.target;
  try {
    const c = await api("POST", "/api/v1/callers", {phone: document.getElementById("phone").value,
      display_name: f.display_name.value, address: f.address.value, lat: Number(f.lat.value), lon: Number(f.lon.value)});
    document.getElementById("register-card").hidden = true;
    await openCaller(c.id);
  } catch (err) { document.getElementById("register-error").textContent = err.message; }
}

async function openCaller(id) {
  caller = await api("GET", `/api/v1/callers/${id}`);
  document.getElementById("caller-card").hidden = false;
  document.getElementById("caller-name").textContent = caller.display_name;
  document.getElementById("caller-phone").textContent = caller.phone;
  document.getElementById("caller-address").textContent = caller.address;
  document.getElementById("caller-account").textContent = (caller.has_account ? _("has an account") : _("no account (registered by phone)"));
  const d = document.getElementById("date");
  d.value = cityDay(1);
  // Start at the city's first day with a window open.
  for (let tries = 0; !(await loadSlots()) && tries < 14; tries++) {
    d.value = new Date(Date.parse(d.value) + 86400000).toISOString().slice(0, 10);
  }
  await refresh();
}

async function loadSlots() {
  const date = document.getElementById("date").value;
  const slots = await api("GET", `/api/v1/slots?date=${date}&lat=${caller.lat}&lon=${caller.lon}`);
  document.getElementById("slot").replaceChildren(...slots.map((s) => el("option",
    {value: s.window_start, ...(s.remaining && s.bookable ? {} : {disabled: "disabled"})},
    cityWindow(s.window_start, s.window_end) +
    ` (${s.bookable ? ngettext("%(num)s place left", "%(num)s places left", s.remaining) : _("closed")})`)));
  return slots.some((s) => s.remaining && s.bookable);
}

async function refresh() {
  const mine = await api("GET", `/api/v1/callers/${caller.id}/bookings?page_size=50`);
  document.getElementById("history").replaceChildren(...mine.map((b) => el("tr", {class: "booking"},
    el("td", {}, `#${b.id}`), el("td", {}, cityDateTime(b.window_start)),
    el("td", {}, b.items.map((i) => `${i.category} ${i.quantity}`).join(", ")),
    el("td", {class: "status", "data-status": b.status}, labelOf(b.status)),
    el("td", {}, ["requested", "scheduled"].includes(b.status)
      ? el("button", {onclick: async () => {
          await api("POST", `/api/v1/callers/${caller.id}/bookings/${b.id}/cancel`, {}); refresh(); loadSlots(); }}, _("Cancel"))
      : ""))));
}

async function bookForCaller(e) {
  const f = e.target;
  try {
    await api("POST", `/api/v1/callers/${caller.id}/bookings`,
              {items: [{category: f.category.value, quantity: Number(f.quantity.value)}], window_start: f.slot.value});
    document.getElementById("book-error").textContent = "";
    await refresh(); await loadSlots();
  } catch (err) { document.getElementById("book-error").textContent = err.message; }
}

init();
