// Leads Pool: a follower preset and a manual min/max are alternatives, so picking one clears
// the other. This listens in the capture phase so the fields are cleared before htmx reads the
// form for the request the same change triggers.
document.addEventListener(
  "change",
  (event) => {
    const el = event.target;
    const form = el.closest && el.closest("form[data-filters]");
    if (!form) return;
    if (el.name === "followers" && el.checked) {
      form.querySelectorAll('[name="followers_min"],[name="followers_max"]').forEach((input) => {
        input.value = "";
      });
    } else if ((el.name === "followers_min" || el.name === "followers_max") && el.value !== "") {
      form.querySelectorAll('[name="followers"]:checked').forEach((box) => {
        box.checked = false;
      });
    }
  },
  true,
);

// htmx may run this file again when it restores a page from history: register once.
(() => {
if (window.poolControlsReady) return;
window.poolControlsReady = true;

// The status control changes nothing until its Save button is pressed: arrowing through the
// options only picks one. Save is enabled only while the pick differs from the lead's status.
function syncStatusButtons(root) {
  root.querySelectorAll("[data-status-form]").forEach((form) => {
    const select = form.querySelector("select[name=status]");
    const save = form.querySelector("button[type=submit]");
    if (!select || !save) return;
    const changed = select.value !== select.dataset.current;
    save.disabled = !changed;
    form.classList.toggle("is-changed", changed);
  });
}
document.addEventListener("change", (event) => {
  if (event.target.matches && event.target.matches("[data-status-form] select")) {
    syncStatusButtons(event.target.closest("[data-status-form]").parentNode);
  }
});

// The filter panel: open on wide screens, a closed drawer on phones; it keeps the state the
// seller chose while the pool's region is swapped by htmx.
const NARROW = window.matchMedia("(max-width: 760px)");
let filtersOpen = null;
function syncFilterPanel() {
  const panel = document.querySelector("[data-filters-panel]");
  if (!panel) return;
  const open = filtersOpen === null ? !NARROW.matches : filtersOpen;
  if (panel.open !== open) panel.open = open;
}
document.addEventListener("toggle", (event) => {
  if (event.target.matches && event.target.matches("[data-filters-panel]")) {
    filtersOpen = event.target.open;
  }
}, true);
document.addEventListener("click", (event) => {
  const close = event.target.closest && event.target.closest("[data-close-filters]");
  if (!close || !NARROW.matches) return;
  const panel = close.closest("[data-filters-panel]");
  if (panel) {
    filtersOpen = false;
    if (close.type !== "submit") panel.open = false;
  }
});
document.addEventListener("keydown", (event) => {
  const panel = document.querySelector("[data-filters-panel][open]");
  if (event.key === "Escape" && panel && NARROW.matches) {
    filtersOpen = false;
    panel.open = false;
    panel.querySelector("summary").focus();
  }
});
document.addEventListener("DOMContentLoaded", () => {
  syncStatusButtons(document);
  syncFilterPanel();
});
document.addEventListener("htmx:afterSettle", () => {
  syncStatusButtons(document);
  syncFilterPanel();
});
})();
