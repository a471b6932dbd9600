// An organisation's page (its account holder, or staff): its recurring pickups, its sites and
// contacts (added, edited and removed here), the pickups they became, and the monthly
// statements with the printable one of each month.
requireSignIn();
const MONTHS_SHOWN = 6;
let organisations = [];
let current = null;  // the organisation shown

async function init() {
  try {
    organisations = await api("GET", "/api/v1/organisations?page_size=100");
  } catch (err) { document.getElementById("org-error").textContent = err.message; return; }
  if (!organisations.length) { document.getElementById("org-error").textContent = _("No organisation is registered for your account"); return; }
  const select = document.getElementById("org-select");
  select.replaceChildren(...organisations.map((o) => el("option", {value: o.id}, o.name)));
  select.addEventListener("change", () => openOrganisation(Number(select.value)));
  // The console's CSS shows labels as blocks, which overrides the hidden attribute.
  document.getElementById("org-choice").style.display = organisations.length < 2 ? "none" : "";
  await openOrganisation(organisations[0].id);
}

function weekdayName(n) {
  // 2024-01-01 was a Monday: the API's weekday 0.
  return new Date(Date.UTC(2024, 0, 1 + n)).toLocaleDateString(LANG === "zh" ? "zh-CN" : "en", {weekday: "long", timeZone: "UTC"});
}

// The months up to the latest pickup's (booked ahead, it may be next month's), newest first.
function lastMonths(n, pickups) {
  const latest = Math.max(Date.now(), ...pickups.map((b) => Date.parse(b.window_start)));
  const end = new Date(latest), out = [];
  for (let i = 0; i < n; i++) {
    const d = new Date(end.getFullYear(), end.getMonth() - i, 1);
    out.push(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`);
  }
  return out;
}

async function openOrganisation(id) {
  const org = organisations.find((o) => o.id === id);
  current = org;
  document.getElementById("org-name").textContent = org.name;
  document.getElementById("org-code").textContent = org.credit_code;
  document.getElementById("org-address").textContent = org.address;
  resetSiteForm();
  resetContactForm();
  const [sites, schedules] = await loadSitesAndContacts(org);
  const siteName = Object.fromEntries(sites.map((s) => [s.id, s.name]));
  document.getElementById("schedules").replaceChildren(...schedules.map((s) => el("tr", {class: "schedule"},
    el("td", {}, weekdayName(s.weekday)), el("td", {}, s.window_start.slice(0, 5)), el("td", {}, s.category),
    el("td", {}, `${fmt(s.estimated_kg, 0)} kg`), el("td", {}, s.site_id ? siteName[s.site_id] : org.address),
    el("td", {}, (s.active ? _("active") : _("inactive"))))));
  const pickups = await loadPickups(org);
  await loadStatements(org, pickups);
}

async function loadSitesAndContacts(org) {
  const [sites, schedules, contacts] = await Promise.all([
    api("GET", `/api/v1/organisations/${org.id}/sites`), api("GET", `/api/v1/organisations/${org.id}/schedules`),
    api("GET", `/api/v1/organisations/${org.id}/contacts`)]);
  const siteName = Object.fromEntries(sites.map((s) => [s.id, s.name]));
  document.getElementById("sites").replaceChildren(...sites.map((s) => el("tr", {class: "site", "data-id": s.id},
    el("td", {}, s.name), el("td", {}, s.address), el("td", {}, `${fmt(s.lat, 4)}, ${fmt(s.lon, 4)}`),
    el("td", {}, el("button", {type: "button", class: "edit", onclick: () => editSite(s)}, _("Edit")),
      el("button", {type: "button", class: "remove", onclick: () => removeSite(s)}, pgettext("remove", "Remove"))))));
  document.getElementById("contacts").replaceChildren(...contacts.map((c) => el("tr", {class: "contact", "data-id": c.id},
    el("td", {}, c.name), el("td", {}, c.role || ""), el("td", {}, c.phone || ""), el("td", {}, c.email || ""),
    el("td", {}, c.site_id ? siteName[c.site_id] || "" : _("(no site)")),
    el("td", {}, el("button", {type: "button", class: "edit", onclick: () => editContact(c)}, _("Edit")),
      el("button", {type: "button", class: "remove", onclick: () => removeContact(c)}, pgettext("remove", "Remove"))))));
  const select = document.querySelector("#contact-form [name=site_id]");
  const chosen = select.value;
  select.replaceChildren(el("option", {value: ""}, _("(no site)")), ...sites.map((s) => el("option", {value: s.id}, s.name)));
  select.value = chosen;
  return [sites, schedules];
}

// A site or contact is added with the form, or edited in it (the row's Edit fills it in);
// the API says what is wrong (a name taken, a number not valid, a site still in use).
function resetSiteForm() {
  const form = document.getElementById("site-form");
  form.reset();
  form.elements.id.value = "";
  document.getElementById("site-save").textContent = _("Add site");
  document.getElementById("site-error").textContent = "";
}

function editSite(s) {
  const form = document.getElementById("site-form");
  for (const k of ["id", "name", "address", "lat", "lon"]) form.elements[k].value = s[k];
  document.getElementById("site-save").textContent = _("Save");
}

async function saveSite(e) {
  const form = e.target, id = form.elements.id.value;
  const body = {name: form.elements.name.value.trim(), address: form.elements.address.value.trim(),
                lat: Number(form.elements.lat.value), lon: Number(form.elements.lon.value)};
  try {
    if (id) await api("PATCH", `/api/v1/organisations/${current.id}/sites/${id}`, body);
    else await api("POST", `/api/v1/organisations/${current.id}/sites`, body);
  } catch (err) { document.getElementById("site-error").textContent = err.message; return; }
  await openOrganisation(current.id);
}

async function removeSite(s) {
  if (!window.confirm(`${_("Remove the pickup site")} ${s.name}?`)) return;
  try { await api("DELETE", `/api/v1/organisations/${current.id}/sites/${s.id}`); }
  catch (err) { document.getElementById("site-error").textContent = err.message; return; }
  await openOrganisation(current.id);
}

function resetContactForm() {
  const form = document.getElementById("contact-form");
  form.reset();
  form.elements.id.value = "";
  document.getElementById("contact-save").textContent = _("Add contact");
  document.getElementById("contact-error").textContent = "";
}

function editContact(c) {
  const form = document.getElementById("contact-form");
  for (const k of ["id", "name", "role", "phone", "email"]) form.elements[k].value = c[k] || "";
  form.elements.site_id.value = c.site_id || "";
  document.getElementById("contact-save").textContent = _("Save");
}

async function saveContact(e) {
  const form = e.target, id = form.elements.id.value, v = (k) => form.elements[k].value.trim();
  const body = {name: v("name"), role: v("role"), phone: v("phone") || null, email: v("email") || null,
                site_id: v("site_id") ? Number(v("site_id")) : null};
  try {
    if (id) await api("PATCH", `/api/v1/organisations/${current.id}/contacts/${id}`, body);
    else await api("POST", `/api/v1/organisations/${current.id}/contacts`, body);
  } catch (err) { document.getElementById("contact-error").textContent = err.message; return; }
  await openOrganisation(current.id);
}

async function removeContact(c) {
  if (!window.confirm(`${_("Remove the contact")} ${c.name}?`)) return;
  try { await api("DELETE", `/api/v1/organisations/${current.id}/contacts/${c.id}`); }
  catch (err) { document.getElementById("contact-error").textContent = err.message; return; }
  await openOrganisation(current.id);
}

async function loadPickups(org) {
  // The organisation's pickups are its account's bookings (the holder sees their own).
  const mine = (await api("GET", "/api/v1/bookings?page_size=50"))
    .sort((a, b) => Date.parse(a.window_start) - Date.parse(b.window_start));
  document.getElementById("pickups").replaceChildren(...mine.map((b) => el("tr", {class: "pickup"},
    el("td", {}, `#${b.id}`), el("td", {}, cityDateTime(b.window_start)), el("td", {}, b.address),
    el("td", {}, b.items.map((i) => `${i.category} ${i.quantity}`).join(", ")),
    el("td", {class: "status", "data-status": b.status}, labelOf(b.status)))));
  return mine;
}

async function loadStatements(org, pickups) {
  const months = lastMonths(MONTHS_SHOWN, pickups);
  const statements = await Promise.all(months.map((m) =>
    api("GET", `/api/v1/organisations/${org.id}/statement?month=${m}`)));
  document.getElementById("statements").replaceChildren(...statements.map((s) => el("tr", {class: "statement"},
    el("td", {}, s.month), el("td", {}, `${s.lines.length} ${_("Pickups")}`),
    el("td", {class: "kg"}, `${fmt(s.total_kg, 1)} kg`), el("td", {class: "balance"}, `${pgettext("statement_balance", "Balance")} ${s.balance}`),
    el("td", {}, el("a", {href: `/api/v1/organisations/${org.id}/statement.html?month=${s.month}`,
      class: "print", onclick: (e) => openPrintable(e, org.id, s.month)}, _("Printable statement"))))));
}

// The printable statement needs the token, which a plain link does not send: fetch it and
// open the document from memory in a new tab.
async function openPrintable(e, orgId, month) {
  e.preventDefault();
  const tab = window.open("", "_blank");
  const resp = await fetch(`/api/v1/organisations/${orgId}/statement.html?month=${month}`,
    {headers: {Authorization: "Bearer " + localStorage.getItem("token")}});
  if (!resp.ok) { tab.close(); document.getElementById("statement-error").textContent = resp.statusText; return; }
  tab.location.href = URL.createObjectURL(new Blob([await resp.text()], {type: "text/html"}));
}

init();
