// Small behaviours for the server-rendered pages; no inline scripts (the CSP forbids them).
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
    event.stopPropagation();
  }
});
document.addEventListener("change", (event) => {
  // Picking a follower preset clears the manual range, and the reverse.
  const el = event.target;
  const form = el.closest("form[data-filters]");
  if (!form) return;
  if (el.name === "followers" && el.checked) {
    form.querySelectorAll('[name="followers_min"],[name="followers_max"]').forEach((i) => (i.value = ""));
  }
});
document.addEventListener("htmx:afterSwap", (event) => {
  const pane = document.querySelector("[data-scroll-bottom]");
  if (pane) pane.scrollTop = pane.scrollHeight;
});
document.addEventListener("DOMContentLoaded", () => {
  const pane = document.querySelector("[data-scroll-bottom]");
  if (pane) pane.scrollTop = pane.scrollHeight;
});
document.addEventListener("htmx:configRequest", (event) => {
  // Keep shareable filter URLs short: drop empty fields and the default sort.
  if (!event.detail.elt.matches || !event.detail.elt.matches("form[data-filters]")) return;
  const params = event.detail.parameters;
  for (const key of Array.from(Object.keys(params))) {
    const value = params[key];
    if (value === "" || (key === "ordering" && value === "-requested_at")) delete params[key];
  }
});
