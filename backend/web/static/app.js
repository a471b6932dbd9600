// Shared by every page: the API with the signed-in user's token, and the language table.
// The page's settings arrive as JSON data and its buttons and forms name their handlers in
// data-click / data-submit: the Content-Security-Policy runs no inline script.
const CONFIG = JSON.parse(document.getElementById("console-config").textContent);
window.I18N = CONFIG.i18n;
window.TILE_URL = CONFIG.tileUrl;
const t = (key) => (window.I18N && window.I18N[key]) || key;
const LANG = document.documentElement.lang;

// Every time and date on the console is the city's (the server's TIMEZONE), whatever zone
// the browser is in, in the page's language: 24-hour in Chinese, the locale's own in English.
const CITY_TZ = CONFIG.timezone || "UTC";
const LOCALE = LANG === "zh" ? "zh-CN" : "en";
const _formats = {
  time: new Intl.DateTimeFormat(LOCALE, {timeZone: CITY_TZ, hour: "2-digit", minute: "2-digit", hourCycle: LANG === "zh" ? "h23" : undefined}),
  date: new Intl.DateTimeFormat(LOCALE, {timeZone: CITY_TZ, year: "numeric", month: "2-digit", day: "2-digit"}),
  dateTime: new Intl.DateTimeFormat(LOCALE, {timeZone: CITY_TZ, year: "numeric", month: "2-digit", day: "2-digit",
                                             hour: "2-digit", minute: "2-digit", hourCycle: LANG === "zh" ? "h23" : undefined}),
  isoDay: new Intl.DateTimeFormat("en-CA", {timeZone: CITY_TZ, year: "numeric", month: "2-digit", day: "2-digit"}),
};
const _when = (fn) => (value) => value === null || value === undefined || value === "" ? "–" : fn(new Date(value));
const cityTime = _when((d) => _formats.time.format(d));
const cityDate = _when((d) => _formats.date.format(d));
const cityDateTime = _when((d) => _formats.dateTime.format(d));
const cityWindow = (start, end) => `${cityTime(start)}–${cityTime(end)}`;
// The city's calendar day (YYYY-MM-DD) `days` days from now: "tomorrow" is the city's tomorrow.
const cityDay = (days = 0) => _formats.isoDay.format(new Date(Date.now() + days * 86400000));

async function api(method, path, body) {
  const headers = {"Content-Type": "application/json"};
  const token = localStorage.getItem("token");
  if (token) headers["Authorization"] = "Bearer " + token;
  const resp = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  if (resp.status === 401 && !path.startsWith("/api/v1/auth/")) { location.href = "/console/login"; return; }
  const data = resp.status === 204 ? null : await resp.json().catch(() => null);
  if (!resp.ok) {
    const fields = data && data.errors && data.errors.json ? " " + JSON.stringify(data.errors.json) : "";
    throw new Error(((data && data.message) || resp.statusText) + fields);
  }
  return data;
}

async function signIn(username, password) {
  const tok = await api("POST", "/api/v1/auth/token", {username, password});
  localStorage.setItem("token", tok.access_token);
  localStorage.setItem("role", tok.role);
  const home = {dispatcher: "dispatcher", admin: "dispatcher", driver: "driver", operator: "operator", agent: "agent",
                buyer: "buyer"};
  let page = home[tok.role] || "resident";
  if (tok.role === "operator") {
    // An operator bound to a distribution market is that market's staff: the market page.
    const me = await api("GET", "/api/v1/me");
    const site = await api("GET", `/api/v1/sites/${me.sorting_center_id}`);
    if (site.tier === "distribution_market") page = "market";
  }
  location.href = "/console/" + page;
}

async function signOut(e) {
  if (e) e.preventDefault();
  // Revoke the token on the server too: a copy of it left anywhere stops working.
  if (localStorage.getItem("token")) await api("POST", "/api/v1/auth/logout").catch(() => null);
  localStorage.clear();
  location.href = "/console/login";
}
function requireSignIn() { if (!localStorage.getItem("token")) location.href = "/console/login"; }
function categoryName(c) { return LANG === "zh" ? c.name_zh : c.name_en; }
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "style") node.style.cssText = v;  // CSSOM: the policy refuses style attributes
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
function fmt(x, digits = 1) { return x === null || x === undefined ? "–" : Number(x).toFixed(digits); }

// A map on a plain background unless a tile server is configured (air-gapped depots, tests).
function makeMap(id) {
  const map = L.map(id, {preferCanvas: false}).setView([30.27, 120.16], 12);
  // The pages send no Referer to other sites; a tile server gets our origin alone, as
  // public tile servers' usage policies ask.
  if (window.TILE_URL) L.tileLayer(window.TILE_URL, {maxZoom: 19, referrerPolicy: "strict-origin-when-cross-origin"}).addTo(map);
  else document.getElementById(id).classList.add("plain");
  // Under every marker and route: the street lines of the loaded road network (served by the
  // app from the extract, so the map has streets with no tile server and no internet).
  map.createPane("streets").style.zIndex = 250;
  return map;
}

// The street layer of the loaded extract for the map's view, when no tile server is set.
// Resolves to the number of streets drawn (0 when the platform has no road network).
async function drawStreets(map, group) {
  if (window.TILE_URL) return 0;
  const b = map.getBounds().pad(0.5);
  const q = `south=${Math.max(-90, b.getSouth()).toFixed(5)}&west=${Math.max(-180, b.getWest()).toFixed(5)}` +
    `&north=${Math.min(90, b.getNorth()).toFixed(5)}&east=${Math.min(180, b.getEast()).toFixed(5)}`;
  let layer;
  try { layer = await api("GET", `/api/v1/roads/streets?${q}`); } catch (err) { return 0; }
  group.clearLayers();
  L.geoJSON(layer, {
    pane: "streets", interactive: false,
    style: (f) => ({color: "#b0b7c3", weight: f.properties.highway.includes("primary") ? 4 : 2, opacity: 0.9, className: "street-line"}),
  }).addTo(group);
  if (!map._streetsCredited) { map.attributionControl.addAttribution(layer.attribution); map._streetsCredited = true; }
  return layer.features.length;
}

document.addEventListener("DOMContentLoaded", () => {
  for (const node of document.querySelectorAll("[data-click]")) {
    node.addEventListener("click", (e) => window[node.dataset.click](e));
  }
  for (const node of document.querySelectorAll("[data-submit]")) {
    node.addEventListener("submit", (e) => { e.preventDefault(); window[node.dataset.submit](e); });
  }
});
