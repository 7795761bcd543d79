// The settings page's integrations section: copy a secret or feed address, and fill a
// webhook's query from a saved view. Delegated, so it works on the htmx-swapped section too.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  field.select();
  const done = () => {
    button.textContent = "Copied";
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => document.execCommand("copy") && done());
  } else if (document.execCommand("copy")) {
    done();
  }
});
document.addEventListener("change", (event) => {
  const picker = event.target.closest("select[data-query-into]");
  if (!picker) return;
  const option = picker.selectedOptions[0];
  const input = document.querySelector(picker.dataset.queryInto);
  if (input && option && option.dataset.query !== undefined) input.value = option.dataset.query;
});
