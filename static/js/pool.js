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

const NARROW = window.matchMedia("(max-width: 760px)");

// A row's status and owner change nothing until their Save button is pressed: arrowing
// through the options only picks one. Save is enabled only while the pick differs.
function syncStatusButtons(root) {
  root.querySelectorAll("[data-status-form]").forEach((form) => {
    const select = form.querySelector("select[data-current]");
    const save = form.querySelector("button[type=submit]");
    if (!select || !save) return;
    const changed = select.value !== select.dataset.current;
    save.disabled = !changed;
    form.classList.toggle("is-changed", changed);
  });
}
document.addEventListener("change", (event) => {
  const form = event.target.closest && event.target.closest("[data-status-form]");
  if (form) syncStatusButtons(form.parentNode);
});

// Filters: a tick, a pick or a date applies at once; typed text (search, min/max) applies on
// Enter or Apply only, so one action sends one request (a `change` on leaving the field and
// the submit right after it would send two, and htmx would abort one).
const TYPED = new Set(["search", "text", "number"]);
document.addEventListener("change", (event) => {
  const el = event.target;
  const form = el.closest && el.closest("form[data-filters]");
  if (!form || (el.tagName === "INPUT" && TYPED.has(el.type))) return;
  if (window.htmx) window.htmx.trigger(form, "filters-change");
});

// The filter panel: as the seller left it (the server remembers, per user), closed by
// default; on phones a drawer that starts closed and closes once the filters are applied.
let filtersOpen = null; // the state chosen in this page, kept while htmx swaps the region
function panel() {
  return document.querySelector("[data-filters-panel]");
}
function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}
function rememberPanel(open) {
  const url = panel() && panel().dataset.filtersPref;
  if (!url || NARROW.matches) return; // the drawer's state on a phone is not the layout
  const body = new URLSearchParams({ open: open ? "1" : "0" });
  fetch(url, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken() },
  }).catch(() => {});
}
function syncFilterPanel() {
  const details = panel();
  if (!details) return;
  let open = filtersOpen;
  if (open === null) open = NARROW.matches ? false : details.open;
  if (details.open !== open) details.open = open;
}
function setPanel(open) {
  filtersOpen = open;
  const details = panel();
  if (details && details.open !== open) details.open = open;
}
document.addEventListener("click", (event) => {
  const summary = event.target.closest && event.target.closest("[data-filters-panel] > summary");
  if (summary) {
    // The summary's own toggle follows this click: record where it goes.
    const open = !summary.parentNode.open;
    filtersOpen = open;
    rememberPanel(open);
    return;
  }
  const close = event.target.closest && event.target.closest("[data-close-filters]");
  if (close && close.type !== "submit") {
    setPanel(false);
    if (!NARROW.matches) rememberPanel(false);
  }
});
document.addEventListener("submit", (event) => {
  // Apply (or Enter in a field) on a phone: close the drawer so the results show.
  if (event.target.matches("form[data-filters]") && NARROW.matches) setPanel(false);
});
document.addEventListener("keydown", (event) => {
  const details = document.querySelector("[data-filters-panel][open]");
  if (event.key === "Escape" && details && NARROW.matches) {
    setPanel(false);
    details.querySelector("summary").focus();
  }
});

// Keyboard flow: `/` search, `j` / `k` next and previous lead, Enter opens it, `?` lists the
// shortcuts. Never while typing in a field, and j/k/Enter wait while a lead is open in the
// side panel (the detail has its own keys).
function typing(el) {
  return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
}
function rows() {
  return Array.from(document.querySelectorAll("tr[data-lead-row]"));
}
function leadPanelOpen() {
  const aside = document.getElementById("lead-panel");
  return !!aside && aside.children.length > 0;
}
function moveRow(step) {
  const all = rows();
  if (!all.length) return;
  const current = document.activeElement && document.activeElement.closest
    ? document.activeElement.closest("tr[data-lead-row]")
    : null;
  const marked = current || document.querySelector("tr[data-lead-row].is-current");
  let index = marked ? all.indexOf(marked) + step : step > 0 ? 0 : all.length - 1;
  index = Math.max(0, Math.min(all.length - 1, index));
  all.forEach((row) => row.classList.remove("is-current"));
  const row = all[index];
  row.classList.add("is-current");
  row.focus({ preventScroll: true });
  row.scrollIntoView({ block: "nearest" });
}
function showShortcuts() {
  const dialog = document.getElementById("pool-shortcuts");
  if (dialog && !dialog.open) dialog.showModal();
}
document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-shortcuts-open]")) showShortcuts();
});
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  if (typing(event.target)) return;
  const dialog = document.getElementById("pool-shortcuts");
  if (dialog && dialog.open) return;
  if (event.key === "?") {
    event.preventDefault();
    showShortcuts();
  } else if (event.key === "/") {
    const search = document.getElementById("search");
    if (!search) return;
    event.preventDefault();
    setPanel(true);
    search.focus();
    search.select();
  } else if ((event.key === "j" || event.key === "k") && !leadPanelOpen()) {
    event.preventDefault();
    moveRow(event.key === "j" ? 1 : -1);
  } else if (event.key === "Enter" && event.target.matches && event.target.matches("tr[data-lead-row]")) {
    const open = event.target.querySelector("a.lead-open");
    if (open) {
      event.preventDefault();
      open.click();
    }
  }
});

// Undo: offered for a few seconds after a change (a row's removal, a bulk change).
function armUndo(root) {
  root.querySelectorAll("form[data-undo]:not([data-armed])").forEach((form) => {
    form.dataset.armed = "1";
    const seconds = Number(form.dataset.undoSeconds || 10);
    window.setTimeout(() => {
      if (!form.isConnected) return;
      const cell = form.parentNode;
      const later = cell.querySelector("[data-undo-later]");
      if (later) later.hidden = false;
      const bar = form.closest(".undo-bar");
      form.remove();
      if (bar) bar.remove();
    }, seconds * 1000);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  syncStatusButtons(document);
  syncFilterPanel();
  armUndo(document);
});
document.addEventListener("htmx:afterSwap", () => {
  syncFilterPanel();
});
document.addEventListener("htmx:afterSettle", () => {
  syncStatusButtons(document);
  syncFilterPanel();
  armUndo(document);
});
})();
