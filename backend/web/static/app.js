// Shared by every page: the API with the signed-in user's token, and the language table.
const t = (key) => (window.I18N && window.I18N[key]) || key;
const LANG = document.documentElement.lang;

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
  const home = {dispatcher: "dispatcher", admin: "dispatcher", driver: "dispatcher", operator: "operator"};
  location.href = "/console/" + (home[tok.role] || "resident");
}

function signOut() { localStorage.clear(); location.href = "/console/login"; }
function requireSignIn() { if (!localStorage.getItem("token")) location.href = "/console/login"; }
function categoryName(c) { return LANG === "zh" ? c.name_zh : c.name_en; }
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
function fmt(x, digits = 1) { return x === null || x === undefined ? "–" : Number(x).toFixed(digits); }

// A map on a plain background unless a tile server is configured (air-gapped depots, tests).
function makeMap(id) {
  const map = L.map(id, {preferCanvas: false}).setView([30.27, 120.16], 12);
  if (window.TILE_URL) L.tileLayer(window.TILE_URL, {maxZoom: 19}).addTo(map);
  else document.getElementById(id).classList.add("plain");
  return map;
}
