// The city's open figures, with no sign-in: recovery against the 60% target, tonnage by month
// and category, the weekly price index (table and chart), and the sites on a map.
const row = (cells, attrs = {}) => el("tr", attrs, ...cells.map((c) => el("td", {}, c)));
const body = (id) => document.querySelector(`#${id} tbody`);

async function load() {
  const recovery = await api("GET", "/api/v1/public/recovery");
  body("recovery").replaceChildren(...recovery.map((r) => row([r.district, fmt(r.collected_tonnes, 3),
    `${fmt(r.recovery_pct, 2)} ${r.meets_target ? "✓" : ""}`], {"data-district": r.district})));
  const tonnage = await api("GET", "/api/v1/public/tonnage");
  body("tonnage").replaceChildren(...tonnage.map((r) => row([r.month, r.category, fmt(r.tonnes, 3)])));
  const index = await api("GET", "/api/v1/public/price-index");
  body("index").replaceChildren(...index.map((r) => row([r.week, r.category, r.grade, r.price_per_kg, r.trades])));
  chart(index);
  const sites = await api("GET", "/api/v1/public/sites");
  const map = makeMap("map");
  const colour = {collection_point: "#2a9d8f", sorting_center: "#e76f51", distribution_market: "#264653"};
  for (const s of sites) {
    L.circleMarker([s.lat, s.lon], {radius: s.tier === "collection_point" ? 4 : 8, color: colour[s.tier]})
      .bindPopup(`${s.name} (${labelOf(s.tier)}) ${s.opening_hours} · ${s.categories.join(", ")}`).addTo(map);
  }
}

// One polyline per category and grade: the index's history, week by week.
function chart(rows) {
  const svg = document.getElementById("chart");
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  if (!rows.length) return;
  const weeks = [...new Set(rows.map((r) => r.week))].sort();
  const top = Math.max(...rows.map((r) => Number(r.price_per_kg))) * 1.1;
  const x = (w) => 30 + (weeks.length > 1 ? (560 * weeks.indexOf(w)) / (weeks.length - 1) : 280);
  const y = (p) => 190 - (180 * Number(p)) / top;
  const series = {};
  for (const r of rows) (series[`${r.category} ${r.grade}`] ||= []).push(r);
  for (const [name, points] of Object.entries(series)) {
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", points.map((p) => `${x(p.week)},${y(p.price_per_kg)}`).join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", "#264653");
    const label = document.createElementNS(ns, "text");
    const last = points[points.length - 1];
    label.setAttribute("x", Math.min(x(last.week), 480));
    label.setAttribute("y", y(last.price_per_kg) - 4);
    label.textContent = `${name} ${last.price_per_kg}`;
    svg.append(line, label);
  }
}

load();
