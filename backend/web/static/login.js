// The sign-in page: sign in, or sign up as a resident and sign in.
async function doLogin(e) {
  e.preventDefault();
  const f = e.target;
  try { await signIn(f.username.value, f.password.value); }
  catch (err) { document.getElementById("login-error").textContent = err.message; }
}
async function doSignup(e) {
  e.preventDefault();
  const f = e.target;
  try {
    // A new resident's location defaults to the city centre; the profile can refine it.
    await api("POST", "/api/v1/auth/register", {username: f.username.value, password: f.password.value,
                                                 address: f.address.value, lat: 30.27, lon: 120.16});
    await signIn(f.username.value, f.password.value);
  } catch (err) { document.getElementById("signup-error").textContent = err.message; }
}
