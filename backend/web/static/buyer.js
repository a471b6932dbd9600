// Buyer: the lots open for bids (a sealed bid, or buying a fixed-price offer), my bids and
// whether I won, and what my company owes.
requireSignIn();

async function refresh() {
  const lots = await api("GET", "/api/v1/listings?status=open&page_size=200");
  document.querySelector("#open-lots tbody").replaceChildren(...lots.map((l) => {
    const price = el("input", {type: "number", step: "0.01", min: "0.01", name: "price", value: l.fixed_price_per_kg || l.reserve_per_kg});
    const act = l.mode === "fixed"
      ? el("button", {class: "buy", onclick: () => act_(() => api("POST", `/api/v1/listings/${l.id}/purchase`))}, `${_("Buy")} ${l.fixed_price_per_kg}`)
      : el("button", {class: "bid", onclick: () => act_(() => api("POST", `/api/v1/listings/${l.id}/bids`, {price_per_kg: Number(price.value)}))}, _("Bid"));
    return el("tr", {"data-listing": l.id}, el("td", {}, `#${l.id}`), el("td", {}, l.category), el("td", {}, l.grade),
      el("td", {}, fmt(l.weight_kg)), el("td", {}, fmt(l.contamination_pct)), el("td", {}, l.reserve_per_kg),
      el("td", {}, cityDateTime(l.closes_at)), el("td", {}, l.mode === "fixed" ? "" : price, act));
  }));
  const bids = await api("GET", "/api/v1/me/bids");
  document.getElementById("my-bids").replaceChildren(...bids.map((b) => el("tr", {"data-listing": b.listing_id},
    el("td", {}, `#${b.listing_id}`), el("td", {class: "price"}, b.price_per_kg),
    el("td", {}, cityDateTime(b.placed_at)),
    el("td", {class: "status"}, b.won ? _("won") : labelOf(b.listing_status)))));
  const acc = await api("GET", "/api/v1/me/account");
  document.getElementById("owed").textContent = acc.owed;
  document.getElementById("account").replaceChildren(...acc.entries.map((e) => el("tr", {},
    el("td", {}, cityDate(e.created_at)), el("td", {}, e.amount), el("td", {}, e.description))));
}

// The message is shown once the table is redrawn, so that it describes the rows on screen.
async function act_(call) {
  let message = "";
  try { await call(); } catch (err) { message = err.message; }
  await refresh();
  document.getElementById("bid-error").textContent = message;
}

refresh();
