// The sign-in page: sign in, or sign up as a resident and sign in. Someone already signed in
// is told as whom, with the way to their own page. Every failure says why in the page's words.
function whyNot(err) {
  if (err instanceof TypeError) return _("Cannot reach the server: check your connection");  // fetch itself failed: no answer
  if (err.status === 401) return _("Wrong username or password");
  if (err.status === 429) return _("Too many tries: wait a little and try again");
  if (err.status >= 500) return _("The server failed: try again later");
  return err.message;
}

async function doLogin(e) {
  const f = e.target;
  const button = f.querySelector("button[type=submit]");
  document.getElementById("login-error").textContent = "";
  button.disabled = true;
  showState("login-state", "loading", _("Signing in…"));
  try { await signIn(f.username.value.trim(), f.password.value); }
  catch (err) {
    showState("login-state", "", "");
    document.getElementById("login-error").textContent = whyNot(err);
    button.disabled = false;
  }
}

async function doSignup(e) {
  const f = e.target;
  const button = f.querySelector("button[type=submit]");
  for (const name of ["username", "password", "address"]) document.getElementById(`signup-${name}-error`).textContent = "";
  document.getElementById("signup-error").textContent = "";
  button.disabled = true;
  showState("signup-state", "loading", _("Signing up…"));
  try {
    // A new resident's location defaults to the city centre; the profile can refine it.
    await api("POST", "/api/v1/auth/register", {username: f.username.value.trim(), password: f.password.value,
                                                 address: f.address.value, lat: 30.27, lon: 120.16});
    await signIn(f.username.value.trim(), f.password.value);
  } catch (err) {
    showState("signup-state", "", "");
    // The API names the fields it refused: each message goes beside its field.
    const fields = err.fields || {};
    let placed = false;
    for (const [name, messages] of Object.entries(fields)) {
      const node = document.getElementById(`signup-${name}-error`);
      if (node) { node.textContent = [].concat(messages).join(" "); placed = true; }
    }
    if (err.status === 409) document.getElementById("signup-username-error").textContent = _("That username is taken");
    else if (!placed) document.getElementById("signup-error").textContent = whyNot(err);
    button.disabled = false;
  }
}

async function showSession() {
  if (!localStorage.getItem("token")) return;
  const card = document.getElementById("signed-in-card");
  card.hidden = false;
  showState("session-state", "loading", _("Checking who is signed in…"));
  try {
    const access = await currentAccess();
    if (!access) return;
    document.getElementById("signed-in-as").textContent = `${_("Signed in as")} ${access.me.username}`;
    document.getElementById("continue").href = access.homeUrl;
    showState("session-state", "", "");
  } catch (err) {
    // A token the server no longer honours: forget it, and this page is a plain sign-in again.
    localStorage.clear();
    card.hidden = true;
  }
}

showSession();
