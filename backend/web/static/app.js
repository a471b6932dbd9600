// Shared by every page: the API with the signed-in user's token, and the language table.
// The page's settings arrive as JSON data and its buttons and forms name their handlers in
// data-click / data-submit: the Content-Security-Policy runs no inline script.
const CONFIG = JSON.parse(document.getElementById("console-config").textContent);
window.TILE_URL = CONFIG.tileUrl;
const LANG = document.documentElement.lang;

// gettext in the browser: the page's catalog arrives as data (backend/web/i18n.py); English
// is the source language, so a string with no translation shows as written.
const CATALOG = CONFIG.i18n.messages;
const _ = (msgid) => (typeof CATALOG[msgid] === "string" && CATALOG[msgid]) || msgid;
const pgettext = (context, msgid) => CATALOG[context + "\u0004" + msgid] || msgid;
// Plural forms through the CLDR rules of the page's language (Intl.PluralRules), in the
// order gettext lists them for it: "one" before "other" (English), "other" alone (Chinese).
const _pluralRules = new Intl.PluralRules(LANG);
function ngettext(singular, plural, n, values = {}) {
  const forms = Array.isArray(CATALOG[singular]) ? CATALOG[singular] : [singular, plural];
  const order = _pluralRules.resolvedOptions().pluralCategories.sort((a, b) => PLURAL_ORDER.indexOf(a) - PLURAL_ORDER.indexOf(b));
  const form = forms[Math.min(order.indexOf(_pluralRules.select(n)), forms.length - 1)] || plural;
  return form.replace(/%\((\w+)\)s/g, (_m, name) => String(name === "num" ? n : values[name]));
}
const PLURAL_ORDER = ["zero", "one", "two", "few", "many", "other"];
// An API value (a booking status, a stop kind, a missed reason) in the page's language.
const labelOf = (value) => CONFIG.i18n.labels[value] || value;

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
  if (resp.status === 401 && !path.startsWith("/api/v1/auth/")) {
    // The token is dead (expired or revoked): forget it, so the sign-in page does not loop.
    localStorage.removeItem("token");
    if (PAGE !== "login") location.href = "/console/login";
    return;
  }
  const data = resp.status === 204 ? null : await resp.json().catch(() => null);
  if (!resp.ok) {
    const fields = data && data.errors && data.errors.json ? " " + JSON.stringify(data.errors.json) : "";
    const err = new Error(((data && data.message) || resp.statusText) + fields);
    // The status and the field messages, for pages that say why in their own words.
    err.status = resp.status;
    err.fields = (data && data.errors && data.errors.json) || {};
    throw err;
  }
  return data;
}

// Which console pages an account may use, and where it lands. Pages are shells rendered
// without knowing the user, so the header is shaped here from GET /api/v1/me; the API's own
// role and object checks stay the authority (a hidden link locks nothing).
const OPEN_PAGES = ["login", "public"];
const PAGE = location.pathname.startsWith("/console/") ? location.pathname.split("/")[2] : "";

async function loadAccess() {
  const me = await api("GET", "/api/v1/me");
  if (!me) return null;  // 401: api() has forgotten the token
  let pages;  // the first is the landing page
  const links = [];  // [page, href, label] for a switcher: an admin's several workplaces
  if (me.role === "resident") {
    // An organisation signs in as its account holder, a resident: its page first. A resident
    // who holds none may still open that page (it says so); only holders get the link.
    const orgs = await api("GET", "/api/v1/organisations?page_size=1").catch(() => []);
    pages = orgs && orgs.length ? ["organisation", "resident"] : ["resident"];
  } else if (me.role === "operator") {
    // An operator bound to a distribution market is that market's staff: the market page.
    const site = await api("GET", `/api/v1/sites/${me.sorting_center_id}`);
    pages = [site.tier === "distribution_market" ? "market" : "operator"];
  } else if (me.role === "admin") {
    pages = ["dispatcher", "operator", "market", "agent", "organisation", "twin"];
    // The sorting-center page of an admin is one center's: one entry per center.
    const centers = await api("GET", "/api/v1/sites?tier=sorting_center&page_size=100").catch(() => []);
    for (const p of pages) {
      if (p === "operator") for (const c of centers || []) links.push([p, `/console/operator?center=${c.id}`, `${_("Sorting center")} · ${c.name}`]);
      else links.push([p, p === "twin" ? "/twin/" : `/console/${p}`, labelOf(p === "market" ? "market_page" : p === "twin" ? "twin_report" : p)]);
    }
  } else {
    pages = {driver: ["driver"], dispatcher: ["dispatcher", "organisation", "twin"], agent: ["agent"],
             buyer: ["buyer"]}[me.role] || [];
  }
  return {me, pages, links, homeUrl: "/console/" + (pages[0] || "public")};
}

// One answer per page load for the header and the page; signIn asks afresh for its new token.
let _access = null;
function currentAccess() { return _access || (_access = loadAccess()); }

// Where a signed-in account must go instead of this page, or null if it may stay.
function redirectFor(access) {
  // An admin's sorting-center page is one center's: without ?center=, the first center's.
  const firstCenter = access.links.find((l) => l[0] === "operator");
  if (PAGE === "operator" && firstCenter && !new URLSearchParams(location.search).get("center")) return firstCenter[1];
  // A resident who holds no organisation may open its page: it says so, rather than staying blank.
  const mayOpen = OPEN_PAGES.includes(PAGE) || access.pages.includes(PAGE) ||
    (PAGE === "organisation" && access.me.role === "resident");
  return PAGE && !mayOpen ? access.homeUrl : null;
}

// The account's links, or a switcher when it has many workplaces (an admin).
function paintHeader(access) {
  for (const a of document.querySelectorAll("header .role-link")) {
    a.classList.toggle("allowed", !access.links.length && access.pages.includes(a.dataset.page));
    if (a.dataset.page === PAGE) a.setAttribute("aria-current", "page");
  }
  if (!access.links.length) return;
  const select = document.getElementById("switcher");
  const center = new URLSearchParams(location.search).get("center");
  const here = ([page, href]) => page === PAGE && (page !== "operator" || href.endsWith(`center=${center}`));
  select.replaceChildren(...access.links.map((link) => el("option", {value: link[1], ...(here(link) ? {selected: "selected"} : {})}, link[2])));
  select.addEventListener("change", () => { location.href = select.value; });
  document.getElementById("switcher-label").classList.add("allowed");
}

// The header for the signed-in account, and a page it may not use sends it to its own
// landing page (while this one waits hidden) rather than showing empty panels.
async function shapeConsole() {
  // The language link keeps the page's other parameters (an admin's ?center=).
  const langLink = document.getElementById("lang"), query = new URLSearchParams(location.search);
  if (langLink) { query.set("lang", new URLSearchParams(langLink.search).get("lang")); langLink.search = query.toString(); }
  const signedIn = !!localStorage.getItem("token");
  document.documentElement.classList.toggle("signed-in", signedIn);
  if (!signedIn) { if (!OPEN_PAGES.includes(PAGE)) location.replace("/console/login"); return; }
  let leaving = false;
  try {
    const access = await currentAccess();
    if (!access) { leaving = true; return; }  // 401: api() is on its way to the sign-in page
    window.ACCESS = access;
    const elsewhere = redirectFor(access);
    if (elsewhere) { leaving = true; location.replace(elsewhere); return; }
    paintHeader(access);
  } catch (err) {
    // No answer on who is signed in: show the page; the API still refuses what it must.
  } finally {
    if (!leaving) document.documentElement.classList.remove("access-pending");
  }
}
if (localStorage.getItem("token") && PAGE && !OPEN_PAGES.includes(PAGE)) document.documentElement.classList.add("access-pending");

async function signIn(username, password) {
  const tok = await api("POST", "/api/v1/auth/token", {username, password});
  localStorage.setItem("token", tok.access_token);
  localStorage.setItem("role", tok.role);
  // Each account lands on its own page: the driver on the driver's, market staff on the market's.
  const access = await loadAccess();
  location.href = access.homeUrl;
}

async function signOut(e) {
  if (e) e.preventDefault();
  // Revoke the token on the server too: a copy of it left anywhere stops working.
  if (localStorage.getItem("token")) await api("POST", "/api/v1/auth/logout").catch(() => null);
  localStorage.clear();
  location.href = "/console/login";
}
// A panel's state line: loading, empty or error, each with a word why ("" clears it).
function showState(id, kind, text = "") {
  const node = document.getElementById(id);
  if (!node) return;
  node.dataset.state = kind;
  node.textContent = text;
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
  shapeConsole();
  for (const node of document.querySelectorAll("[data-click]")) {
    node.addEventListener("click", (e) => window[node.dataset.click](e));
  }
  for (const node of document.querySelectorAll("[data-submit]")) {
    node.addEventListener("submit", (e) => { e.preventDefault(); window[node.dataset.submit](e); });
  }
});
