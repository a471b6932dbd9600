// Operator: intake per category (with corrections), stock, lots. Only the operator's own center.
requireSignIn();
let center = null;
let categories = [];

async function init() {
  const me = await api("GET", "/api/v1/me");
  const centerId = me.sorting_center_id || Number(new URLSearchParams(location.search).get("center"));
  center = await api("GET", `/api/v1/sites/${centerId}`);
  document.getElementById("center-name").textContent = center.name;
  categories = await api("GET", "/api/v1/categories?page_size=100&active=true");
  const options = () => categories.map((c) => el("option", {value: c.code}, `${categoryName(c)} (${c.code})`));
  document.getElementById("intake-category").replaceChildren(...options());
  document.getElementById("lot-category").replaceChildren(...options());
  const vehicles = await api("GET", `/api/v1/vehicles?home_center_id=${center.id}&active=true`);
  document.getElementById("vehicle").replaceChildren(...vehicles.map((v) => el("option", {value: v.id}, v.plate)));
  const markets = await Promise.all(center.market_ids.map((id) => api("GET", `/api/v1/sites/${id}`)));
  document.getElementById("market").replaceChildren(...markets.map((m) => el("option", {value: m.id}, m.name)));
  await refresh();
}

async function refresh() {
  const stock = await api("GET", `/api/v1/sorting-centers/${center.id}/stock`);
  document.getElementById("stock").replaceChildren(...stock.map((s) => el("tr", {"data-category": s.category},
    el("td", {}, LANG === "zh" ? s.name_zh : s.name_en), el("td", {class: "kg"}, fmt(s.kg)))));
  const intakes = await api("GET", `/api/v1/sorting-centers/${center.id}/intakes?page_size=30`);
  document.getElementById("intakes").replaceChildren(...intakes.map((i) => el("tr", {},
    el("td", {}, `#${i.id}`), el("td", {}, cityDateTime(i.weighed_at)),
    el("td", {}, i.lines.map((l) => `${l.category} ${fmt(l.net_kg)} kg`).join(", ")),
    el("td", {}, i.corrects_id ? `${t("corrects")} #${i.corrects_id}: ${i.reason}` : ""))));
  document.getElementById("corrects").replaceChildren(el("option", {value: ""}, ""),
    ...intakes.map((i) => el("option", {value: i.id}, `#${i.id}`)));
}

async function logIntake(e) {
  e.preventDefault();
  const f = e.target;
  const line = {category: f.category.value, gross_kg: Number(f.gross.value)};
  if (f.tare.value) line.tare_kg = Number(f.tare.value);
  const body = {vehicle_id: Number(f.vehicle.value), lines: [line]};
  if (f.corrects.value) { body.corrects_id = Number(f.corrects.value); body.reason = f.reason.value; }
  // Weighed at the door: settles that booking (credited to the resident's wallet).
  if (f.booking.value && f.booking_qty.value)
    body.booking_weights = [{booking_id: Number(f.booking.value), category: f.category.value, quantity: Number(f.booking_qty.value)}];
  try { await api("POST", `/api/v1/sorting-centers/${center.id}/intakes`, body); f.gross.value = "";
        document.getElementById("intake-error").textContent = ""; await refresh(); }
  catch (err) { document.getElementById("intake-error").textContent = err.message; }
  return false;
}

async function shipLot(e) {
  e.preventDefault();
  const f = e.target;
  try {
    await api("POST", `/api/v1/sorting-centers/${center.id}/lots`, {category: f.category.value,
      market_id: Number(f.market.value), weight_kg: Number(f.weight.value), price_per_kg: Number(f.price.value)});
    document.getElementById("lot-error").textContent = ""; await refresh();
  } catch (err) { document.getElementById("lot-error").textContent = err.message; }
  return false;
}

init();
