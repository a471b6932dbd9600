// Market staff: list a lot, close a due listing, record the delivered weight (which settles
// the sale), record the buyer's payment.
requireSignIn();

async function refresh() {
  const rows = await api("GET", "/api/v1/listings?page_size=200");
  document.getElementById("listings").replaceChildren(...rows.map((l) => {
    const kg = el("input", {type: "number", step: "0.1", min: "0.1", value: l.weight_kg});
    const actions = {
      open: [el("button", {onclick: () => act(() => api("POST", `/api/v1/listings/${l.id}/close`))}, _("Close"))],
      awarded: [kg, el("button", {onclick: () => act(() => api("POST", `/api/v1/listings/${l.id}/delivery`, {delivered_kg: Number(kg.value)}))}, _("Deliver"))],
      settled: [el("button", {onclick: () => act(() => api("POST", `/api/v1/listings/${l.id}/payment`))}, _("Paid"))],
    }[l.status] || [];
    return el("tr", {"data-listing": l.id}, el("td", {}, `#${l.id}`), el("td", {}, `${_("Lot")} ${l.lot_id}`),
      el("td", {}, l.category), el("td", {}, fmt(l.weight_kg)), el("td", {}, labelOf(l.mode)),
      el("td", {class: "status"}, labelOf(l.status)), el("td", {}, l.price_per_kg || l.reserve_per_kg),
      el("td", {}, fmt(l.delivered_kg)), el("td", {}, ...actions));
  }));
}

// The message is shown once the table is redrawn, so that it describes the rows on screen.
async function act(call) {
  let message = "";
  try { await call(); } catch (err) { message = err.message; }
  await refresh();
  document.getElementById("action-error").textContent = message;
}

async function listLot(e) {
  const f = e.target;
  const body = {lot_id: Number(f.lot_id.value), grade: f.grade.value, contamination_pct: Number(f.contamination.value),
                reserve_per_kg: Number(f.reserve.value), mode: f.mode.value,
                closes_at: new Date(f.closes.value).toISOString().replace(/\.\d+Z$/, "Z")};
  if (f.mode.value === "fixed") body.fixed_price_per_kg = Number(f.fixed.value);
  try { await api("POST", "/api/v1/listings", body); document.getElementById("list-error").textContent = ""; }
  catch (err) { document.getElementById("list-error").textContent = err.message; }
  await refresh();
}

document.querySelector("#list-form input[name=closes]").value =
  new Date(Date.now() + 86400000 - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);
refresh();
