// Leads Pool bulk actions: the header box ticks the page's rows, the count follows, and only
// the field the chosen action needs is shown. The server confirms before applying.
(() => {
  function form() {
    return document.querySelector("form[data-bulk]");
  }

  function rowBoxes() {
    return Array.from(document.querySelectorAll('input[name="ids"][form="bulk-form"]'));
  }

  function refresh() {
    const bulk = form();
    if (!bulk) return;
    const ticked = rowBoxes().filter((box) => box.checked).length;
    const shown = bulk.querySelector("[data-bulk-selected]");
    if (shown) shown.textContent = String(ticked);
    const action = bulk.querySelector("[data-bulk-action]");
    bulk.querySelectorAll("[data-bulk-for]").forEach((part) => {
      part.hidden = action && part.dataset.bulkFor !== action.value;
    });
    // Which leads cannot move to the chosen status (they are left as they are).
    const status = bulk.querySelector("[data-bulk-status]");
    const hint = bulk.querySelector("[data-bulk-hint]");
    if (status && hint) {
      const option = status.options[status.selectedIndex];
      hint.textContent = option ? option.dataset.hint || "" : "";
    }
    bulk.classList.toggle("has-selection", ticked > 0);
  }

  document.addEventListener("change", (event) => {
    const el = event.target;
    if (el.matches && el.matches("[data-bulk-all]")) {
      rowBoxes().forEach((box) => {
        box.checked = el.checked;
      });
    }
    if (el.matches && el.matches('input[name="ids"][form="bulk-form"]') && el.checked) {
      const selected = document.getElementById("bulk-scope-selected");
      if (selected) selected.checked = true;
    }
    refresh();
  });

  document.addEventListener("htmx:afterSettle", refresh);
  document.addEventListener("DOMContentLoaded", refresh);
})();
