// Resident (phone-first): book a pickup in a window with room, follow it, cancel, see the wallet.
requireSignIn();
let me = null;

async function init() {
  me = await api("GET", "/api/v1/me");
  const cats = await api("GET", "/api/v1/categories?page_size=100&active=true&hazardous=false");
  document.getElementById("category").replaceChildren(...cats.filter((c) => c.parent_id !== null || c.unit === "kg")
    .map((c) => el("option", {value: c.code}, categoryName(c))));
  const d = document.getElementById("date");
  d.value = cityDay(1);
  d.addEventListener("change", loadSlots);
  // Start at the city's first day with a window open.
  for (let tries = 0; !(await loadSlots()) && tries < 14; tries++) {
    d.value = new Date(Date.parse(d.value) + 86400000).toISOString().slice(0, 10);
  }
  await refresh();
}

async function loadSlots() {
  const date = document.getElementById("date").value;
  const slots = await api("GET", `/api/v1/slots?date=${date}&lat=${me.lat || 30.27}&lon=${me.lon || 120.16}`);
  document.getElementById("slot").replaceChildren(...slots.map((s) => el("option",
    {value: s.window_start, ...(s.remaining && s.bookable ? {} : {disabled: "disabled"})},
    cityWindow(s.window_start, s.window_end) +
    ` (${s.bookable ? `${s.remaining} ${t("remaining")}` : t("closed")})`)));
  return slots.some((s) => s.remaining && s.bookable);
}

async function refresh() {
  const mine = await api("GET", "/api/v1/bookings?page_size=50");
  document.getElementById("mine").replaceChildren(...mine.map((b) => el("tr", {class: "booking"},
    el("td", {}, `#${b.id}`), el("td", {}, cityDateTime(b.window_start)),
    el("td", {}, b.items.map((i) => `${i.category} ${i.quantity}`).join(", ")), el("td", {class: "status", "data-status": b.status}, t(b.status)),
    el("td", {}, ["requested", "scheduled"].includes(b.status)
      ? el("button", {onclick: async () => { await api("POST", `/api/v1/bookings/${b.id}/cancel`, {}); refresh(); loadSlots(); }}, t("cancel"))
      : ""))));
  const w = await api("GET", "/api/v1/me/wallet");
  document.getElementById("balance").textContent = w.balance;
  document.getElementById("entries").replaceChildren(...w.entries.map((e) => el("tr", {},
    el("td", {}, cityDate(e.created_at)), el("td", {}, e.amount), el("td", {}, e.description))));
}

async function book(e) {
  e.preventDefault();
  const f = e.target;
  try {
    await api("POST", "/api/v1/bookings", {items: [{category: f.category.value, quantity: Number(f.quantity.value)}],
                                           window_start: f.slot.value});
    document.getElementById("book-error").textContent = "";
    await refresh(); await loadSlots();
  } catch (err) { document.getElementById("book-error").textContent = err.message; }
  return false;
}

init();
